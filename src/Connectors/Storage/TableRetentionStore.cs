using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Retention as a server-side filtered scan. The ledger is now keyed by channel and day of receipt (LedgerKeys), so a
/// partition range (<see cref="LedgerKeys.OlderThan"/>) could bound the scan; this store does not use it yet: each scan is one filtered query over the whole table —
/// storage reads every row, only the expired ones (four columns) travel. Channels are told apart by RowKey prefix
/// inside the filter. Every row is a partition of its own, so deletes are single operations, several in flight.
/// Contact dates: a filtered scan on <c>Timestamp</c> (the last write). HubSpot usage rows: the partition range of the
/// days before the cutoff's (<see cref="HubSpotUsageKeys.OlderThan"/>), deleted a day's partition 100 rows at a time.
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
        var phase = continuation is null ? LedgerPhase : continuation[..1];
        var token = continuation is { Length: > 1 } ? continuation[1..] : null;
        if (phase == LedgerPhase)
        {
            var (rows, next) = await PageAsync(_ledger, LedgerFilter(cutoffs), LedgerColumns, pageSize, token, LedgerRow, cancellationToken).ConfigureAwait(false);
            return new ExpiredPage(rows, next is null ? ContactDatesPhase : LedgerPhase + next);
        }

        if (phase == ContactDatesPhase)
        {
            var filter = TableClient.CreateQueryFilter($"Timestamp lt {cutoffs.ContactDates}");
            var (dates, after) = await PageAsync(_contactDates, filter, ContactDateColumns, pageSize, token, ContactDateRow, cancellationToken).ConfigureAwait(false);
            return new ExpiredPage(dates, after is not null ? ContactDatesPhase + after : cutoffs.HubSpotUsage is null ? null : UsagePhase);
        }

        if (cutoffs.HubSpotUsage is not { } usageCutoff)
        {
            return new ExpiredPage([], null);
        }

        var usageFilter = HubSpotUsageKeys.OlderThan(DateOnly.FromDateTime(usageCutoff.UtcDateTime));
        var (usage, afterUsage) = await PageAsync(_operations, usageFilter, UsageColumns, pageSize, token, UsageRow, cancellationToken).ConfigureAwait(false);
        return new ExpiredPage(usage, afterUsage is null ? null : UsagePhase + afterUsage);
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

    /// <summary>Settled, and ended before the cutoff of its channel (a RowKey prefix range), or of every other channel.</summary>
    private static string LedgerFilter(RetentionCutoffs cutoffs)
    {
        var settled = TableClient.CreateQueryFilter($"(Status eq {nameof(NotificationStatus.Delivered)} or Status eq {nameof(NotificationStatus.Rejected)})");
        var ended = new List<string>();
        var outside = new List<string>();
        foreach (var (channel, cutoff) in cutoffs.LedgerByChannel)
        {
            var (from, to) = ChannelRange(channel);
            ended.Add(TableClient.CreateQueryFilter($"(RowKey ge {from} and RowKey lt {to} and UpdatedAt lt {cutoff})"));
            outside.Add(TableClient.CreateQueryFilter($"(RowKey lt {from} or RowKey ge {to})"));
        }

        outside.Add(TableClient.CreateQueryFilter($"UpdatedAt lt {cutoffs.Ledger}"));
        ended.Add("(" + string.Join(" and ", outside) + ")");
        return $"{settled} and ({string.Join(" or ", ended)})";
    }

    /// <summary>RowKeys of a channel: its key, the separator '|', anything; '}' is the character after '|'.</summary>
    private static (string From, string To) ChannelRange(string channel)
    {
        var key = TableKey.Encode(channel);
        return (key + "|", key + "}");
    }

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
