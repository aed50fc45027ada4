using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Retention over partition ranges: a channel's rows received up to its cutoff's day are a range of whole partitions
/// (<see cref="LedgerKeys.ExpiringBy"/>), read one channel after another, storage filtering them to the settled rows
/// unchanged since the cutoff (four columns travel). Rows kept are never read. Deletes go in entity-group
/// transactions of up to 100 per partition, several in flight. Contact dates: a filtered scan on <c>Timestamp</c>
/// (the last write; that table is keyed by person, and small).
/// HubSpot usage rows: the partition range of the days before the cutoff's (<see cref="HubSpotUsageKeys.OlderThan"/>),
/// deleted a day's partition 100 rows at a time.
/// </summary>
internal sealed class TableRetentionStore(TableServiceClient service, IOptions<StorageOptions> options) : IRetentionStore
{
    private const int MaxTransactionSize = 100;
    private const int DeletesInFlight = 8;
    private const string LedgerPhase = "L";
    private const string ContactDatesPhase = "C";
    private const string UsagePhase = "U";
    private static readonly string[] LedgerColumns = ["PartitionKey", "RowKey", nameof(NotificationEntity.UpdatedAt)];
    private static readonly string[] ContactDateColumns = ["PartitionKey", "RowKey", "Timestamp"];
    private static readonly string[] UsageColumns = ["PartitionKey", "RowKey", "Timestamp"];

    private readonly LazyTable _ledger = new(service, options.Value.NotificationsTable);
    private readonly LazyTable _contactDates = new(service, options.Value.ContactDatesTable);
    private readonly LazyTable _operations = new(service, options.Value.OperationsTable);

    public async Task<ExpiredPage> FindExpiredAsync(RetentionCutoffs cutoffs, int pageSize, string? continuation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cutoffs);
        // The continuation names the phase — L{index of the channel}, C (contact dates) or U (usage) — then ':' and
        // storage's own token; a ledger phase past the last channel is the contact dates'.
        var channels = cutoffs.LedgerByChannel.Keys.Order(StringComparer.Ordinal).ToList();
        var (phase, token) = ParseContinuation(continuation);
        if (phase.StartsWith(LedgerPhase, StringComparison.Ordinal))
        {
            if (!int.TryParse(phase.AsSpan(LedgerPhase.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= channels.Count)
            {
                (phase, token) = (ContactDatesPhase, null);
            }
            else
            {
                var channel = channels[index];
                var (rows, next) = await PageAsync(_ledger, LedgerFilter(channel, cutoffs.LedgerByChannel[channel]), LedgerColumns, pageSize, token, LedgerRow, cancellationToken).ConfigureAwait(false);
                return new ExpiredPage(rows, next is not null ? $"{LedgerPhase}{index}:{next}" : $"{LedgerPhase}{index + 1}:");
            }
        }

        if (phase == ContactDatesPhase)
        {
            var filter = TableClient.CreateQueryFilter($"Timestamp lt {cutoffs.ContactDates}");
            var (dates, later) = await PageAsync(_contactDates, filter, ContactDateColumns, pageSize, token, ContactDateRow, cancellationToken).ConfigureAwait(false);
            return new ExpiredPage(dates, later is not null ? $"{ContactDatesPhase}:{later}" : cutoffs.HubSpotUsage is null ? null : UsagePhase + ":");
        }

        if (cutoffs.HubSpotUsage is not { } usageCutoff)
        {
            return new ExpiredPage([], null);
        }

        var usageFilter = HubSpotUsageKeys.OlderThan(DateOnly.FromDateTime(usageCutoff.UtcDateTime));
        var (usage, afterUsage) = await PageAsync(_operations, usageFilter, UsageColumns, pageSize, token, UsageRow, cancellationToken).ConfigureAwait(false);
        return new ExpiredPage(usage, afterUsage is null ? null : $"{UsagePhase}:{afterUsage}");
    }

    private static (string Phase, string? Token) ParseContinuation(string? continuation)
    {
        if (continuation is null)
        {
            return (LedgerPhase + "0", null);
        }

        var colon = continuation.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (ContactDatesPhase, null) : (continuation[..colon], colon + 1 == continuation.Length ? null : continuation[(colon + 1)..]);
    }

    public async Task<RetentionDeletion> DeleteAsync(IReadOnlyList<ExpiredRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var chunks = rows.GroupBy(r => (TableOf(r.Kind), r.PartitionKey)).SelectMany(g => g.Chunk(MaxTransactionSize)).ToList();
        var deleted = 0;
        var kept = 0;
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = DeletesInFlight, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            var lazy = TableOf(chunk[0].Kind);
            var table = await lazy.GetAsync(ct).ConfigureAwait(false);
            var (d, k) = chunk.Length > 1 && await TryTransactionAsync(table, lazy, chunk, ct).ConfigureAwait(false)
                ? (chunk.Length, 0)
                : await DeleteEachAsync(table, lazy, chunk, ct).ConfigureAwait(false);
            Interlocked.Add(ref deleted, d);
            Interlocked.Add(ref kept, k);
        }).ConfigureAwait(false);
        return new RetentionDeletion(deleted, kept);
    }

    /// <summary>The channel's partitions up to the cutoff's day, and of those the settled rows unchanged since the cutoff.</summary>
    private static string LedgerFilter(string channel, DateTimeOffset cutoff) =>
        $"{LedgerKeys.ExpiringBy(channel, cutoff)} and " +
        TableClient.CreateQueryFilter($"(Status eq {nameof(NotificationStatus.Delivered)} or Status eq {nameof(NotificationStatus.Rejected)}) and UpdatedAt lt {cutoff}");

    private static ExpiredRow LedgerRow(TableEntity row)
    {
        var channel = TableKey.Decode(row.RowKey[..Math.Max(0, row.RowKey.IndexOf('|', StringComparison.Ordinal))]); // LedgerKeys.RowKeyOf
        return new ExpiredRow(channel, row.PartitionKey, row.RowKey, row.ETag.ToString(), row.GetDateTimeOffset(nameof(NotificationEntity.UpdatedAt)) ?? DateTimeOffset.MinValue);
    }

    private LazyTable TableOf(string kind) => kind switch
    {
        RetentionKinds.ContactDates => _contactDates,
        RetentionKinds.HubSpotUsage => _operations,
        _ => _ledger,
    };

    private static ExpiredRow UsageRow(TableEntity row) =>
        new(RetentionKinds.HubSpotUsage, row.PartitionKey, row.RowKey, row.ETag.ToString(), row.Timestamp ?? DateTimeOffset.MinValue);

    private static ExpiredRow ContactDateRow(TableEntity row) =>
        new(RetentionKinds.ContactDates, row.PartitionKey, row.RowKey, row.ETag.ToString(), row.Timestamp ?? DateTimeOffset.MinValue);

    private static async Task<(List<ExpiredRow> Rows, string? Next)> PageAsync(
        LazyTable lazy, string filter, string[] columns, int pageSize, string? token, Func<TableEntity, ExpiredRow> map, CancellationToken cancellationToken)
    {
        var table = await lazy.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var page in table.QueryAsync<TableEntity>(filter, pageSize, columns, cancellationToken).AsPages(token, pageSize).ConfigureAwait(false))
            {
                return ([.. page.Values.Select(map)], string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }

            return ([], null);
        }
        catch (RequestFailedException ex)
        {
            throw lazy.Failed(ex, "Expired rows cannot be read");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    /// <summary>One entity-group transaction; false when one of its rows changed or went (the whole batch is then undone).</summary>
    private static async Task<bool> TryTransactionAsync(TableClient table, LazyTable lazy, ExpiredRow[] chunk, CancellationToken cancellationToken)
    {
        try
        {
            var actions = chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(r.PartitionKey, r.RowKey), new ETag(r.Version)));
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (RequestFailedException ex)
        {
            throw lazy.Failed(ex, "Expired rows cannot be deleted");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    private static async Task<(int Deleted, int Kept)> DeleteEachAsync(TableClient table, LazyTable lazy, ExpiredRow[] rows, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var kept = 0;
        foreach (var row in rows)
        {
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, new ETag(row.Version), cancellationToken).ConfigureAwait(false);
                deleted++;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                kept++; // written since it was read: not expired any more, or not yet known to be
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound && ex.ErrorCode != "TableNotFound")
            {
                deleted++; // gone already (another run, an erasure)
            }
            catch (RequestFailedException ex)
            {
                throw lazy.Failed(ex, "Expired rows cannot be deleted");
            }
            catch (AggregateException ex)
            {
                throw StorageFailures.Unreachable(ex);
            }
        }

        return (deleted, kept);
    }
}
