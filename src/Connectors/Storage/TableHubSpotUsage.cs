using Azure;
using Azure.Data.Tables;
using Crm.Integration.Connectors.HubSpot;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>Usage rows in the <c>Operations</c> table, keyed by <see cref="HubSpotUsageKeys"/>.</summary>
internal sealed class TableHubSpotUsage(TableServiceClient service, IOptions<StorageOptions> options) : IHubSpotUsage
{
    private const int MaxTransactionSize = 100;
    private const string MinuteColumn = "Minute";
    private const string CallsColumn = "Calls";
    private const string ThrottledColumn = "Throttled";
    private const string ReplicaColumn = "Replica";
    private static readonly string[] Columns = [MinuteColumn, CallsColumn, ThrottledColumn];

    private readonly LazyTable _table = new(service, options.Value.OperationsTable);

    public async Task<IReadOnlyList<HubSpotUsageMinute>> ReadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (until <= since)
        {
            return [];
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var filter = $"({HubSpotUsageKeys.OnDays(DateOnly.FromDateTime(since.UtcDateTime), DateOnly.FromDateTime(until.UtcDateTime))}) and "
            + TableClient.CreateQueryFilter($"(Minute ge {since.ToUniversalTime()} and Minute lt {until.ToUniversalTime()})"); // names as text: an argument would be quoted
        var sums = new SortedDictionary<DateTimeOffset, (long Calls, long Throttled)>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(filter, 1000, Columns, cancellationToken).ConfigureAwait(false))
            {
                if (row.GetDateTimeOffset(MinuteColumn) is not { } minute)
                {
                    continue;
                }

                var (calls, throttled) = sums.GetValueOrDefault(minute);
                sums[minute] = (calls + (row.GetInt64(CallsColumn) ?? 0), throttled + (row.GetInt64(ThrottledColumn) ?? 0));
            }
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "HubSpot usage cannot be read");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }

        return [.. sums.Select(s => new HubSpotUsageMinute(s.Key, s.Value.Calls, s.Value.Throttled))];
    }

    public async Task WriteAsync(string replica, IReadOnlyList<HubSpotUsageMinute> minutes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        if (minutes.Count == 0)
        {
            return;
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var bounded = NotificationEntity.BoundedText(replica);
        try
        {
            // A day is one partition: one entity-group transaction per day and 100 minutes.
            foreach (var chunk in minutes.GroupBy(m => HubSpotUsageKeys.PartitionKeyOf(m.Minute)).SelectMany(day => day.Chunk(MaxTransactionSize)))
            {
                var actions = chunk.Select(m => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(
                    HubSpotUsageKeys.PartitionKeyOf(m.Minute), HubSpotUsageKeys.RowKeyOf(m.Minute, replica))
                {
                    [MinuteColumn] = m.Minute.ToUniversalTime(),
                    [CallsColumn] = m.Calls,
                    [ThrottledColumn] = m.Throttled,
                    [ReplicaColumn] = bounded,
                }));
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "HubSpot usage cannot be written");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }
}
