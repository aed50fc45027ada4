namespace Crm.Integration.Connectors.ServiceBus;

public enum SettlementKind
{
    /// <summary>Done: accept, the broker deletes the message.</summary>
    Complete,

    /// <summary>Failed for now: release, the broker redelivers it and dead-letters it after the delivery limit.</summary>
    Abandon,

    /// <summary>Can never succeed: reject, the broker moves it to the dead-letter queue at once.</summary>
    DeadLetter,
}

/// <summary>What to tell the broker about a received message.</summary>
/// <param name="Reason">A short machine-readable reason (Service Bus <c>DeadLetterReason</c>).</param>
/// <param name="Description">A sentence for the operator (Service Bus <c>DeadLetterErrorDescription</c>).</param>
public readonly record struct Settlement(SettlementKind Kind, string? Reason = null, string? Description = null)
{
    public static Settlement Complete { get; } = new(SettlementKind.Complete);

    public static Settlement Abandon(string reason) => new(SettlementKind.Abandon, reason);

    public static Settlement DeadLetter(string reason, string description) => new(SettlementKind.DeadLetter, reason, description);
}
