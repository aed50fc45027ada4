namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>The application properties a dead-lettering adds, which a replayed message must not carry back.</summary>
internal static class DeadLetterProperties
{
    public const string Reason = "DeadLetterReason";
    public const string Description = "DeadLetterErrorDescription";

    /// <summary>Set by Service Bus on a message dead-lettered from a subscription or by auto-forwarding.</summary>
    private const string Source = "DeadLetterSource";

    public static bool IsDeadLetterOnly(string name) =>
        name is Reason or Description or Source or ReplayMarker.PropertyName;
}
