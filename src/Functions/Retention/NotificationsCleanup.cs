using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.TransactionalEmails;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Retention;

/// <summary>
/// The daily cleanup, as the predecessor's <c>NotificationsCleanup</c> timer did it: ledger rows settled more than
/// <see cref="RetentionOptions.Processed"/> ago go, email rows (the send log) after <see cref="RetentionOptions.Emails"/>,
/// contact dates unwritten for <see cref="RetentionOptions.ContactDates"/>; rows in flight or failing never. One run at
/// a time across replicas (a lease in storage), deletions paced at <see cref="RetentionOptions.RowsPerSecond"/>. How
/// rows are found is the store's business (<see cref="IRetentionStore"/>); nothing here depends on the ledger's keys.
/// </summary>
internal sealed class NotificationsCleanup(
    IRetentionStore store,
    IJobLeases leases,
    IOperationsAudit audit,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<NotificationsCleanup> logger)
{
    public const string JobName = "NotificationsCleanup";

    /// <summary>This process as a lease owner: unique per process, readable in the Operations table.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>
    /// Runs under the job's lease and audits the run; null when another run holds the lease or — for a scheduled run —
    /// another replica already claimed <paramref name="occurrence"/>.
    /// </summary>
    public async Task<RetentionReport?> TryRunAsync(bool dryRun, DateTimeOffset? occurrence, string by, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!await leases.TryAcquireAsync(JobName, Owner, occurrence, settings.LeaseDuration, cancellationToken).ConfigureAwait(false))
        {
            Log.CleanupSkipped(logger, occurrence);
            return null;
        }

        try
        {
            var report = await RunAsync(dryRun, cancellationToken).ConfigureAwait(false);
            var details = System.Text.Json.JsonSerializer.Serialize(report, Operations.OperationsJsonContext.Default.RetentionReport);
            await audit.RecordAsync(new OperationAudit(OperationActions.RetentionRun, by, report.FinishedAt, dryRun ? "dry run" : "run", details), cancellationToken).ConfigureAwait(false);
            Log.CleanupDone(logger, dryRun, report.Expired, report.Deleted, report.RowsPerSecond);
            return report;
        }
        finally
        {
            await leases.ReleaseAsync(JobName, Owner, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<RetentionReport> RunAsync(bool dryRun, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var started = time.GetUtcNow();
        var cutoffs = new RetentionCutoffs(
            LedgerChannels.All.ToDictionary(channel => channel, channel => started - (channel == TransactionalEmailHandler.Channel ? settings.Emails : settings.Processed), StringComparer.Ordinal),
            started - settings.ContactDates,
            HubSpotUsage: started - settings.Processed); // usage rows serve the summaries of days whose ledger rows are still there
        var kinds = new SortedDictionary<string, RetentionKindReport>(StringComparer.Ordinal);
        var pacer = new RetentionPacer(settings.RowsPerSecond, settings.StorageShare, time);
        var renewed = time.GetTimestamp();
        string? continuation = null;
        do
        {
            var reading = time.GetTimestamp();
            var page = await store.FindExpiredAsync(cutoffs, settings.PageSize, continuation, cancellationToken).ConfigureAwait(false);
            continuation = page.Continuation;
            await pacer.AfterAsync(0, time.GetElapsedTime(reading), cancellationToken).ConfigureAwait(false);
            foreach (var kind in page.Rows.GroupBy(r => r.Kind, StringComparer.Ordinal))
            {
                var rows = kind.ToList();
                var done = new RetentionDeletion(0, 0);
                // Deleted a tenth of a second's worth at a time, paced after each: storage never holds a burst of a
                // whole page (a transaction of 100 deletes keeps Azurite busy for half a second) before the live path.
                foreach (var slice in dryRun ? [] : rows.Chunk(SliceOf(settings.RowsPerSecond)))
                {
                    var deleting = time.GetTimestamp();
                    var sliceDone = await store.DeleteAsync(slice, cancellationToken).ConfigureAwait(false);
                    done = new RetentionDeletion(done.Deleted + sliceDone.Deleted, done.Kept + sliceDone.Kept);
                    await pacer.AfterAsync(slice.Length, time.GetElapsedTime(deleting), cancellationToken).ConfigureAwait(false);
                }

                var before = kinds.GetValueOrDefault(kind.Key) ?? new RetentionKindReport(0, 0, 0);
                kinds[kind.Key] = new RetentionKindReport(before.Expired + rows.Count, before.Deleted + done.Deleted, before.Kept + done.Kept);
            }

            if (time.GetElapsedTime(renewed) > settings.LeaseDuration / 3)
            {
                if (!await leases.RenewAsync(JobName, Owner, settings.LeaseDuration, cancellationToken).ConfigureAwait(false))
                {
                    Log.CleanupLeaseLost(logger);
                    break; // another replica took over: stop rather than run twice
                }

                renewed = time.GetTimestamp();
            }
        }
        while (continuation is not null);

        var finished = time.GetUtcNow();
        var deleted = kinds.Values.Sum(k => k.Deleted);
        var seconds = (finished - started).TotalSeconds;
        return new RetentionReport(
            dryRun, started, finished, started - settings.Processed, started - settings.Emails, cutoffs.ContactDates, kinds,
            kinds.Values.Sum(k => k.Expired), deleted, seconds > 0 ? Math.Round(deleted / seconds, 1) : 0);
    }

    /// <summary>A tenth of a second's worth of deletes at the pace, from one row up to a page.</summary>
    private static int SliceOf(int rowsPerSecond) => Math.Clamp(rowsPerSecond / 10, 1, 1000);
}
