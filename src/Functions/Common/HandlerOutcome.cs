namespace Crm.Integration.Functions.Common;

public enum OutcomeKind
{
    /// <summary>The event had its effect.</summary>
    Success,

    /// <summary>The event had been handled before; nothing was done again.</summary>
    Duplicate,

    /// <summary>Failed for a reason that may pass (a dependency down, throttled); try again later.</summary>
    Transient,

    /// <summary>Can never succeed as sent; retrying would only repeat the failure.</summary>
    Permanent,
}

/// <summary>What a handler made of one event; the trigger turns it into a settlement or an HTTP status.</summary>
/// <param name="Reason">A short, stable, machine-readable reason, e.g. <c>UnsupportedLogType</c>: made by <see cref="Execution.Reason.Because"/>, from the catalogue.</param>
/// <param name="Description">A sentence for an operator. Never personal data.</param>
/// <param name="RetryAfter">For a transient outcome: how long the message is held before it goes back to the queue.</param>
public readonly record struct HandlerOutcome(OutcomeKind Kind, string? Reason = null, string? Description = null, TimeSpan? RetryAfter = null)
{
    public static HandlerOutcome Success { get; } = new(OutcomeKind.Success);

    public static HandlerOutcome Duplicate { get; } = new(OutcomeKind.Duplicate);
}
