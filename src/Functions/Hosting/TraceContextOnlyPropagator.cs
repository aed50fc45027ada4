using System.Diagnostics;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// W3C trace context in and out (<c>traceparent</c>, <c>tracestate</c>), and no baggage either way: a caller's baggage
/// is not taken into the hub's spans, nor passed on to HubSpot or Auth0, since it could hold anything (an address).
/// </summary>
internal sealed class TraceContextOnlyPropagator : DistributedContextPropagator
{
    private const string TraceParent = "traceparent";
    private const string TraceState = "tracestate";

    private static readonly DistributedContextPropagator Default = CreateDefaultPropagator();

    public override IReadOnlyCollection<string> Fields { get; } = [TraceParent, TraceState];

    public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter)
    {
        if (activity is null || setter is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is null)
        {
            return;
        }

        setter(carrier, TraceParent, activity.Id);
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            setter(carrier, TraceState, activity.TraceStateString);
        }
    }

    public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
        Default.ExtractTraceIdAndState(carrier, getter, out traceId, out traceState);

    public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) => null;
}
