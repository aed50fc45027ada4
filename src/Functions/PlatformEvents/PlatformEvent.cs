using System.Text.Json;

namespace Crm.Integration.Functions.PlatformEvents;

/// <summary>How a publisher framed the event.</summary>
public enum EventEnvelope
{
    /// <summary>CloudEvents 1.0 structured mode: <c>{"specversion","type","source","id","time","data"}</c>.</summary>
    CloudEvent,

    /// <summary>CloudEvents binary mode: type in the message's <c>subject</c>, id in its <c>message-id</c>, the body is the data.</summary>
    Binary,

    /// <summary>The predecessor's EventBridge envelope: <c>{"detail-type","source","id","time","detail"}</c>.</summary>
    EventBridge,
}

/// <summary>A platform event taken out of its envelope; <see cref="Data"/> is still to be read by the type's handler.</summary>
public sealed record PlatformEvent(string Type, string Id, string? Source, DateTimeOffset? Time, JsonElement Data, EventEnvelope Envelope)
{
    /// <summary>Sent back from the dead-letter queue by an operator (the message's replay mark): a rejection of it runs again.</summary>
    public bool Replayed { get; init; }
}

/// <summary>The event types the hub handles.</summary>
public static class PlatformEventTypes
{
    public const string TaskSignup = "task_signup";
    public const string TransactionalEmail = "transactional_email";

    public static IReadOnlyList<string> Handled { get; } = [TaskSignup, TransactionalEmail];
}
