using System.Text.Json;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Summaries;

/// <summary>
/// Computes a UTC day's summary from the ledger (every channel, the day's partitions only) and the HubSpot usage rows,
/// stores it (one row per day, overwritten on recompute) and logs it as one line of counts. A scheduled run goes under
/// the job's lease, so that each occurrence runs once across replicas; a run asked for goes at once (recomputing is
/// idempotent: the last writer stores the same counts, or newer ones).
/// </summary>
internal sealed class DailySummaryJob(
    ILedgerReader ledger,
    IHubSpotUsage usage,
    IDailySummaries summaries,
    IJobLeases leases,
    IOptions<SummaryOptions> options,
    IOptions<HubSpotOptions> hubSpot,
    TimeProvider time,
    ILogger<DailySummaryJob> logger)
{
    public const string JobName = "DailySummary";

    /// <summary>This process as a lease owner: unique per process, readable in the Operations table.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>The day before <paramref name="occurrence"/>, unless another replica claimed that occurrence (then null).</summary>
    public async Task<StoredDailySummary?> TryRunScheduledAsync(DateTimeOffset occurrence, CancellationToken cancellationToken)
    {
        if (!await leases.TryAcquireAsync(JobName, Owner, occurrence, options.Value.LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            Log.SummarySkipped(logger, occurrence);
            return null;
        }

        try
        {
            return await RunAsync(DateOnly.FromDateTime(occurrence.UtcDateTime).AddDays(-1), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await leases.ReleaseAsync(JobName, Owner, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Computes <paramref name="day"/> (UTC) now, stores and logs it; a day not over yet is marked incomplete.</summary>
    public async Task<StoredDailySummary> RunAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(day, TimeOnly.MinValue, TimeSpan.Zero);
        var end = start.AddDays(1);
        var calculator = new DailySummaryCalculator();
        await foreach (var row in ledger.ReadAllAsync(new LedgerQuery(LedgerChannels.All, start, end), cancellationToken).ConfigureAwait(false))
        {
            calculator.Add(row);
        }

        foreach (var minute in await usage.ReadAsync(start, end, cancellationToken).ConfigureAwait(false))
        {
            calculator.Add(minute);
        }

        var computedAt = time.GetUtcNow();
        var summary = calculator.Summary(day, computedAt, hubSpot.Value.DailyLimit);
        var stored = new StoredDailySummary(day, computedAt, JsonSerializer.Serialize(summary, SummariesJsonContext.Default.DailySummary));
        await summaries.PutAsync(stored, cancellationToken).ConfigureAwait(false);
        LogLine(summary);
        return stored;
    }

    private void LogLine(DailySummary summary)
    {
        long Of(string status) => summary.Events.Where(e => e.Status == status).Sum(e => e.Count);
        Log.DailySummary(
            logger, summary.Date, summary.Complete, summary.Events.Sum(e => e.Count),
            Of(nameof(NotificationStatus.Delivered)), Of(nameof(NotificationStatus.Rejected)), Of(nameof(NotificationStatus.Failed)), Of(nameof(NotificationStatus.Received)),
            summary.Emails.Sum(e => e.Count), summary.TopRejections.Sum(r => r.Count), summary.TimeToHubSpot.Count, summary.TimeToHubSpot.P50Ms, summary.TimeToHubSpot.P95Ms,
            summary.HubSpot.Calls, summary.HubSpot.Throttled, summary.HubSpot.BudgetUsed);
    }
}
