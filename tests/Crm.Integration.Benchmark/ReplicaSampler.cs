using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Crm.Integration.Benchmark;

/// <summary>
/// Each replica's budget over the drain, scraped from its Prometheus endpoint once a second: the calls in its window,
/// its share, and the contact changes waiting for a batch. A share that is free while nothing waits is spent by nobody
/// (the replica's pipeline is dry); a share that is free while changes wait is held back by the limiter itself.
/// </summary>
internal sealed class ReplicaSampler : IAsyncDisposable
{
    private const string InUse = "crm_hubspot_budget_in_use";
    private const string Share = "crm_hubspot_budget_limit";
    private const string Waiting = "crm_hubspot_contacts_waiting";

    private readonly IReadOnlyList<Uri> _replicas;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Sample> _samples = [];
    private readonly Task _loop;

    private ReplicaSampler(IReadOnlyList<Uri> replicas)
    {
        _replicas = replicas;
        _loop = SampleAsync();
    }

    public static ReplicaSampler Start(IReadOnlyList<Uri> replicas) => new(replicas);

    /// <summary>Stops sampling; the samples and their summary (shares of replica-seconds by state).</summary>
    public async Task<(JsonObject Summary, IReadOnlyList<string> Rows)> StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        var busy = _samples.Count(s => s.InUse >= s.Share);
        var freeNothingWaiting = _samples.Count(s => s.InUse < s.Share && s.Waiting == 0);
        var freeWithWaiting = _samples.Count(s => s.InUse < s.Share && s.Waiting > 0);
        double Of(int count) => _samples.Count == 0 ? 0 : Math.Round(count / (double)_samples.Count, 3);
        var summary = new JsonObject
        {
            ["samples"] = _samples.Count,
            ["shareSpent"] = Of(busy),
            ["shareFreeNothingWaiting"] = Of(freeNothingWaiting),
            ["shareFreeChangesWaiting"] = Of(freeWithWaiting),
            ["meanChangesWaiting"] = _samples.Count == 0 ? 0 : Math.Round(_samples.Average(s => s.Waiting), 1),
        };
        var rows = _samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Second:F1}\t{s.Replica}\t{s.InUse}\t{s.Share}\t{s.Waiting}"))
            .Prepend("# second\treplica\tcalls in its window\tits share\tcontact changes waiting").ToList();
        return (summary, rows);
    }

    private async Task SampleAsync()
    {
        var clock = Stopwatch.StartNew();
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await tick.WaitForNextTickAsync(_stop.Token))
            {
                var at = clock.Elapsed.TotalSeconds;
                var scraped = await Task.WhenAll(_replicas.Select(ScrapeAsync));
                for (var replica = 0; replica < scraped.Length; replica++)
                {
                    if (scraped[replica] is { } gauges)
                    {
                        _samples.Add(new Sample(at, replica, gauges[InUse], gauges[Share], gauges[Waiting]));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The drain is over.
        }
    }

    /// <summary>The three gauges from one replica's scrape, or null when it did not answer in time or lacks one.</summary>
    private async Task<Dictionary<string, int>?> ScrapeAsync(Uri replica)
    {
        try
        {
            var text = await _http.GetStringAsync(new Uri(replica, "/metrics"), _stop.Token);
            var gauges = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var line in text.Split('\n'))
            {
                foreach (var name in (ReadOnlySpan<string>)[InUse, Share, Waiting])
                {
                    // "name{labels} value [timestamp]"
                    if (line.StartsWith(name + "{", StringComparison.Ordinal) && line.Split(' ') is [_, var value, ..])
                    {
                        gauges[name] = (int)double.Parse(value, CultureInfo.InvariantCulture);
                    }
                }
            }

            return gauges.Count == 3 ? gauges : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !_stop.IsCancellationRequested)
        {
            return null; // a busy replica misses a second; the summary counts the samples it has
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _http.Dispose();
        _stop.Dispose();
    }

    private sealed record Sample(double Second, int Replica, int InUse, int Share, int Waiting);
}
