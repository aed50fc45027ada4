using System.Diagnostics.Metrics;
using Crm.Integration.Connectors.Diagnostics;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>
/// Counts what the webhook did with each entry: <c>crm.auth0.log_stream.entries</c> tagged by <c>outcome</c>
/// (forwarded, ignored, rejected; received is their sum) and <c>type</c>, the Auth0 log type (<c>s</c>, <c>ss</c>, …;
/// <c>other</c> for one that is not a code, <c>unknown</c> for a rejected entry without one).
/// </summary>
internal sealed class Auth0LogStreamMetrics
{
    public const string MeterName = "Crm.Integration.Auth0LogStream";

    private readonly Counter<long> _entries;

    public Auth0LogStreamMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _entries = meter.CreateCounter<long>("crm.auth0.log_stream.entries", unit: "{entry}", description: "Auth0 log entries received by outcome and log type.");
    }

    public void Record(Auth0LogBatch batch, LogStreamPlan plan)
    {
        var forwarded = plan.Forward.CountBy(e => e.Type).ToDictionary(StringComparer.Ordinal);
        foreach (var (type, count) in forwarded)
        {
            Add("forwarded", type, count);
        }

        // Ignored: the entries of a type not forwarded, and repeats of a log_id within the delivery.
        foreach (var (type, count) in batch.Entries.CountBy(e => e.Type))
        {
            Add("ignored", type, count - forwarded.GetValueOrDefault(type));
        }

        foreach (var (type, count) in batch.Rejected.CountBy(e => e.Type ?? "unknown"))
        {
            Add("rejected", type, count);
        }
    }

    private void Add(string outcome, string type, int count)
    {
        if (count > 0)
        {
            _entries.Add(count, new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("type", HubMetrics.Bounded(type)));
        }
    }
}
