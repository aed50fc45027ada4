using System.Diagnostics.Metrics;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>Counts what the webhook did with each entry: <c>crm.auth0.log_stream.entries</c> tagged by outcome.</summary>
internal sealed class Auth0LogStreamMetrics
{
    public const string MeterName = "Crm.Integration.Auth0LogStream";

    private readonly Counter<long> _entries;

    public Auth0LogStreamMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _entries = meter.CreateCounter<long>("crm.auth0.log_stream.entries", unit: "{entry}", description: "Auth0 log entries received by outcome.");
    }

    public void Record(int forwarded, int ignored, int rejected)
    {
        _entries.Add(forwarded, new KeyValuePair<string, object?>("outcome", "forwarded"));
        _entries.Add(ignored, new KeyValuePair<string, object?>("outcome", "ignored"));
        _entries.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
    }
}
