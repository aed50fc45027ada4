using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// Writes this replica's per-minute HubSpot usage to storage every <see cref="HubSpotOptions.UsageFlushInterval"/> —
/// the running minute too, so a chart is near-live — and once more when the host stops. A failed write keeps the counts
/// in memory for the next round (the rows carry running totals, so writing them late is as right as on time); nothing
/// here is on the way of a HubSpot call.
/// </summary>
internal sealed class HubSpotUsageFlusher(
    HubSpotUsageCounter counter, IHubSpotUsage usage, IOptions<HubSpotOptions> options, TimeProvider time, ILogger<HubSpotUsageFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(5);
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.UsageFlushInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(stoppingToken).ConfigureAwait(false);
        }

        using var last = new CancellationTokenSource(FinalFlushTimeout);
        await FlushAsync(last.Token).ConfigureAwait(false);
    }

    /// <summary>One round: true when everything counted so far is in storage.</summary>
    public async Task<bool> FlushAsync(CancellationToken cancellationToken)
    {
        if (counter.Trim() is > 0 and var dropped)
        {
            Log.UsageMinutesDropped(logger, dropped);
        }

        var unwritten = counter.Unwritten();
        try
        {
            await usage.WriteAsync(counter.ReplicaId, unwritten, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) // an outage, a refusal, the stop: whatever it is, the counts stay for the next round and the host runs on
        {
            if (!_failing)
            {
                Log.UsageNotWritten(logger, unwritten.Count, new Untrusted(ex.Message));
            }

            _failing = true;
            return false;
        }

        counter.Written(unwritten);
        if (_failing)
        {
            Log.UsageWrittenAgain(logger, unwritten.Count);
        }

        _failing = false;
        return true;
    }
}
