using System.Diagnostics;
using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// What a queue trigger records about one event: a span for its handling (child of the message's consumer span) and,
/// once it has an outcome, the outcome counter and — when its effect was accepted — the latency from the event's own
/// time. Tags are the channel, the event type and the outcome's kind and reason: codes, never personal data.
/// </summary>
internal static class TriggerTelemetry
{
    public static Activity? StartHandling(ActivitySource source, string channel, string? type, string? eventId)
    {
        var activity = source.StartActivity($"handle {channel} event", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("crm.channel", channel);
            activity.SetTag("crm.event.type", type is null ? null : HubMetrics.Bounded(type));
            // An Auth0 log_id or a platform event id: an identifier of the event, not of the person.
            activity.SetTag("crm.event.id", eventId is { Length: > 256 } ? eventId[..256] : eventId);
        }

        return activity;
    }

    public static void Handled(
        this HubMetrics metrics, Activity? activity, string channel, string? type, HandlerOutcome outcome, DateTimeOffset? eventTime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var kind = outcome.Kind.ToString();
        metrics.Outcome(channel, type ?? "unknown", kind, outcome.Reason);
        if (outcome.Kind == OutcomeKind.Success && eventTime is { } at)
        {
            metrics.Delivered(channel, type ?? "unknown", now - at);
        }

        if (activity is not null)
        {
            activity.SetTag("crm.outcome", kind);
            activity.SetTag("crm.outcome.reason", outcome.Reason);
            if (outcome.Kind is OutcomeKind.Transient or OutcomeKind.Permanent)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome.Reason);
            }
        }
    }
}
