using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Crm.Integration.Connectors.Diagnostics;

/// <summary>
/// The hub's instruments (meter <see cref="MeterName"/>; names and units documented in the README, which tools read).
/// Tags are bounded sets — channels, event types, outcome kinds and reasons, endpoints, statuses, policies — never an
/// email, a name or an id. Earlier meters keep their names: <c>Crm.Integration.Auth0LogStream</c>
/// (<c>crm.auth0.log_stream.entries</c>) and <c>Crm.Integration.ServiceBus</c> (<c>crm.servicebus.settlements.lock_lost</c>).
/// </summary>
public sealed partial class HubMetrics
{
    public const string MeterName = "Crm.Integration.Hub";

    public const string Outcomes = "crm.events.outcomes";
    public const string DeliveryLatency = "crm.events.delivery.latency";
    public const string HubSpotCalls = "crm.hubspot.calls";
    public const string HubSpotThrottled = "crm.hubspot.throttled";
    public const string HubSpotBudgetInUse = "crm.hubspot.budget.in_use";
    public const string HubSpotBudgetLimit = "crm.hubspot.budget.limit";
    public const string HubSpotBatchSize = "crm.hubspot.batch.size";
    public const string HubSpotContactsWaiting = "crm.hubspot.contacts.waiting";
    public const string EmailSendResults = "crm.emails.send_results";
    public const string QueueTime = "crm.queue.time_on_queue";
    public const string DeadLetters = "crm.queue.dead_letters";

    private readonly Counter<long> _outcomes;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Counter<long> _hubSpotCalls;
    private readonly Counter<long> _throttled;
    private readonly Histogram<int> _batchSize;
    private readonly Counter<long> _sendResults;
    private readonly Histogram<double> _queueTime;
    private readonly Counter<long> _deadLetters;
    private Func<(int InUse, int Limit)>? _budget;
    private Func<int>? _contactsWaiting;

    public HubMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _outcomes = meter.CreateCounter<long>(Outcomes, "{event}", "Events handled from the queues, by channel, type, outcome kind and reason.");
        _deliveryLatency = meter.CreateHistogram(DeliveryLatency, "s", "From the event's own time to HubSpot's acceptance of its effect.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });
        _hubSpotCalls = meter.CreateCounter<long>(HubSpotCalls, "{call}", "HubSpot API attempts by endpoint and HTTP status (0: no answer).");
        _throttled = meter.CreateCounter<long>(HubSpotThrottled, "{response}", "HubSpot 429 answers by the policy named in their body.");
        _batchSize = meter.CreateHistogram(HubSpotBatchSize, "{contact}", "Contacts per batch upsert sent to HubSpot.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 75, 100] });
        _sendResults = meter.CreateCounter<long>(EmailSendResults, "{email}", "Transactional emails by HubSpot's final sendResult.");
        _queueTime = meter.CreateHistogram(QueueTime, "s", "From a message's enqueueing to the start of its handling, by queue.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900] });
        _deadLetters = meter.CreateCounter<long>(DeadLetters, "{message}", "Messages dead-lettered by the hub, by queue and reason.");
        meter.CreateObservableGauge(HubSpotBudgetInUse, () => Budget(b => b.InUse), "{call}", "HubSpot calls counted in the current ten-second window.");
        meter.CreateObservableGauge(HubSpotBudgetLimit, () => Budget(b => b.Limit), "{call}", "The calls per ten seconds this replica may spend (its share of the portal's limit).");
        meter.CreateObservableGauge(HubSpotContactsWaiting, () => _contactsWaiting is { } read ? [new Measurement<int>(read())] : Array.Empty<Measurement<int>>(),
            "{change}", "Contact changes queued for a batch upsert that has not left yet: with budget free and none waiting, the share idles.");
    }

    /// <summary>Where the budget gauges read from; the HubSpot connector sets it.</summary>
    public void ObserveBudget(Func<(int InUse, int Limit)> read) => _budget = read;

    /// <summary>Where the waiting-changes gauge reads from; the contact batcher sets it.</summary>
    public void ObserveContactsWaiting(Func<int> read) => _contactsWaiting = read;

    public void Outcome(string channel, string type, string kind, string? reason) =>
        _outcomes.Add(1, new("channel", channel), new("type", Bounded(type)), new("kind", kind), new("reason", Bounded(reason ?? "none")));

    public void Delivered(string channel, string type, TimeSpan sinceEvent) =>
        _deliveryLatency.Record(Math.Max(0, sinceEvent.TotalSeconds), new("channel", channel), new("type", Bounded(type)));

    public void HubSpotCall(string endpoint, int status) => _hubSpotCalls.Add(1, new("endpoint", endpoint), new("status", status));

    public void Throttled(string? policy) => _throttled.Add(1, new KeyValuePair<string, object?>("policy", Bounded(policy ?? "unknown")));

    public void BatchSent(int contacts) => _batchSize.Record(contacts);

    public void EmailSendResult(string? sendResult) =>
        _sendResults.Add(1, new KeyValuePair<string, object?>("send_result", Bounded(sendResult ?? "unknown")));

    public void WaitedOnQueue(string queue, TimeSpan waited) =>
        _queueTime.Record(Math.Max(0, waited.TotalSeconds), new KeyValuePair<string, object?>("queue", queue));

    public void DeadLettered(string queue, string? reason) =>
        _deadLetters.Add(1, new("queue", queue), new("reason", Bounded(reason ?? "none")));

    private IEnumerable<Measurement<int>> Budget(Func<(int InUse, int Limit), int> pick) =>
        _budget is { } read ? [new Measurement<int>(pick(read()))] : [];

    /// <summary>
    /// A tag value from outside (an Auth0 log type, a reason, a policy name) only when it looks like a code; anything
    /// else is <c>other</c>, so that no caller can grow the series without bound or put text (an address) into a tag.
    /// </summary>
    public static string Bounded(string value) => CodeLike().IsMatch(value) ? value : "other";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.:\- ]{0,63}$")]
    private static partial Regex CodeLike();
}

public static class HubMetricsServiceCollectionExtensions
{
    /// <summary>The one <see cref="HubMetrics"/> of a host; every registration that records into it calls this.</summary>
    public static IServiceCollection AddHubMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<HubMetrics>();
        return services;
    }
}
