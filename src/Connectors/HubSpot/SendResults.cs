namespace Crm.Integration.Connectors.HubSpot;

public enum SendResultKind
{
    /// <summary>No result yet: the send is still pending or processing.</summary>
    Unknown,

    /// <summary>Sent or queued for sending.</summary>
    Sent,

    /// <summary>This send id was used before: the email went out then, nothing was sent now.</summary>
    AlreadySent,

    /// <summary>HubSpot declined for now (throttled, portal over its limit); the same send id may be tried again.</summary>
    Transient,

    /// <summary>Will never be sent as asked: bad or suppressed recipient, template problem, portal not allowed.</summary>
    Permanent,
}

/// <summary>What HubSpot's <c>sendResult</c> values mean for the hub.</summary>
public static class SendResults
{
    public static SendResultKind Classify(string? sendResult) => sendResult switch
    {
        null or "" => SendResultKind.Unknown,
        "SENT" or "QUEUED" => SendResultKind.Sent,
        "IDEMPOTENT_IGNORE" => SendResultKind.AlreadySent,
        "THROTTLED" or "PORTAL_OVER_LIMIT" => SendResultKind.Transient,
        // Every other value names a reason the email will not go out (INVALID_TO_ADDRESS, BLOCKED_DOMAIN,
        // PREVIOUSLY_BOUNCED, PREVIOUS_SPAM, EMAIL_DISABLED, MISSING_TEMPLATE_PROPERTIES, IDEMPOTENT_FAIL, ...):
        // retrying with the same send id cannot change it.
        _ => SendResultKind.Permanent,
    };
}
