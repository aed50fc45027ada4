using System.Diagnostics;
using Crm.Integration.Connectors.Diagnostics;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// The spans of both transports, named and tagged alike (OpenTelemetry's messaging conventions): a producer span per
/// send whose context every message carries (<see cref="MessageTraceContext"/>), and a consumer span per message,
/// child of its sender's span, around its handling and settlement.
/// </summary>
internal static class QueueTracing
{
    private const string ServiceBusSdkSource = "Azure.Messaging.ServiceBus";

    public static Activity? StartSend(string system, string entity, int messages)
    {
        var activity = HubTelemetry.ServiceBus.StartActivity($"send {entity}", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", system);
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.destination.name", entity);
            activity.SetTag("messaging.batch.message_count", messages);
        }

        return activity;
    }

    /// <summary>
    /// The consumer span of one message. Under the Service Bus SDK's own process span (when the Azure sources are on) it
    /// is that span's child, which is already the sender's; otherwise the sender's context comes from the message, and a
    /// message without one starts a trace of its own (never under whatever span the receive loop happened to inherit).
    /// Call from the async method that handles the message: the span becomes current for that method only.
    /// </summary>
    public static Activity? StartProcess(string system, string entity, string? messageId, int deliveryCount, Func<string, string?> property)
    {
        var ambient = Activity.Current;
        ActivityContext parent;
        if (ambient is not null && ambient.Source.Name.StartsWith(ServiceBusSdkSource, StringComparison.Ordinal))
        {
            parent = ambient.Context;
        }
        else
        {
            parent = MessageTraceContext.Extract(property);
            Activity.Current = null;
        }

        var activity = HubTelemetry.ServiceBus.StartActivity($"process {entity}", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", system);
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", entity);
            // Message ids are event ids (an Auth0 log_id, a platform event id): identifiers, not personal data.
            activity.SetTag("messaging.message.id", messageId);
            activity.SetTag("messaging.message.delivery_count", deliveryCount);
        }

        return activity;
    }

    public static void Settled(Activity? activity, Settlement settlement)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("crm.settlement", settlement.Kind.ToString());
        activity.SetTag("crm.settlement.reason", settlement.Reason);
        if (settlement.Kind == SettlementKind.DeadLetter)
        {
            activity.SetStatus(ActivityStatusCode.Error, settlement.Reason);
        }
    }

    /// <summary>The span whose context goes into the messages: the send span, or whatever is current when that is not recorded.</summary>
    public static Activity? Carrier(Activity? send) => send ?? Activity.Current;
}
