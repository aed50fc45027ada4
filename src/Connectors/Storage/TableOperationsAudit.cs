using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>One partition per action; RowKey = inverted ticks and a random suffix, so a partition reads newest first.</summary>
internal sealed class TableOperationsAudit(TableServiceClient service, IOptions<StorageOptions> options) : IOperationsAudit
{
    private readonly LazyTable _table = new(service, options.Value.OperationsTable);

    public async Task RecordAsync(OperationAudit entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var rowKey = (DateTimeOffset.MaxValue.Ticks - entry.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        var row = new TableEntity(TableKey.Encode(entry.Action), rowKey)
        {
            ["By"] = NotificationEntity.BoundedText(entry.By),
            ["At"] = entry.At,
            ["Subject"] = NotificationEntity.BoundedText(entry.Subject),
            ["Details"] = NotificationEntity.BoundedError(entry.Details),
        };
        try
        {
            await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The operations audit cannot be written");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    public async Task<IReadOnlyList<OperationAudit>> RecentAsync(string action, int max, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var partition = TableKey.Encode(action);
        var entries = new List<OperationAudit>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == partition, maxPerPage: max, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new OperationAudit(action, row.GetString("By") ?? "", row.GetDateTimeOffset("At") ?? default, row.GetString("Subject") ?? "", row.GetString("Details") ?? "{}"));
                if (entries.Count >= max)
                {
                    break;
                }
            }
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The operations audit cannot be read");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }

        return entries;
    }
}
