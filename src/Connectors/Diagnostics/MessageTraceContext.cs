using System.Diagnostics;

namespace Crm.Integration.Connectors.Diagnostics;

/// <summary>
/// Trace context in a message's application properties, so that a trace goes on across the queue: W3C
/// <c>traceparent</c> (and <c>tracestate</c>), and <c>Diagnostic-Id</c>, the property the Service Bus SDK writes and reads
/// (holding the same W3C id). Baggage is never carried: it could hold anything a caller put in it.
/// </summary>
public static class MessageTraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string DiagnosticId = "Diagnostic-Id";

    /// <summary>The properties that carry <paramref name="activity"/>'s context; empty without one.</summary>
    public static IEnumerable<KeyValuePair<string, string>> PropertiesOf(Activity? activity)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is not { } id)
        {
            yield break;
        }

        yield return new(TraceParent, id);
        yield return new(DiagnosticId, id);
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            yield return new(TraceState, activity.TraceStateString);
        }
    }

    /// <summary>The sender's context from a received message's properties: <c>traceparent</c> first, else <c>Diagnostic-Id</c>.</summary>
    public static ActivityContext Extract(Func<string, string?> property)
    {
        ArgumentNullException.ThrowIfNull(property);
        var parent = property(TraceParent) ?? property(DiagnosticId);
        return parent is not null && ActivityContext.TryParse(parent, property(TraceState), isRemote: true, out var context)
            ? context
            : default;
    }
}
