namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>One delivery of a stored message under a peek lock; its lock token is the delivery tag, as on Service Bus.</summary>
internal sealed class LockedDelivery(StoredMessage message, Guid lockToken, DateTimeOffset lockedUntil)
{
    public StoredMessage Message { get; } = message;

    public Guid LockToken { get; } = lockToken;

    public DateTimeOffset LockedUntil { get; set; } = lockedUntil;
}
