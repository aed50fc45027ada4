using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// PartitionKey <c>daily-summary</c>, RowKey <c>yyyyMMdd</c>; the JSON as UTF-8 bytes (a binary column holds 64 KiB,
/// a string one 32 K characters). Kept without expiry: one small row a day.
/// </summary>
internal sealed class TableDailySummaries(TableServiceClient service, IOptions<StorageOptions> options) : IDailySummaries
{
    private const string Partition = "daily-summary";
    private const string ComputedAtColumn = "ComputedAt";
    private const string JsonColumn = "Summary";

    /// <summary>Storage's limit for a binary column.</summary>
    private const int MaxJsonBytes = 64 * 1024;

    private readonly LazyTable _table = new(service, options.Value.OperationsTable);

    public async Task PutAsync(StoredDailySummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var json = Encoding.UTF8.GetBytes(summary.Json);
        if (json.Length > MaxJsonBytes)
        {
            throw new StorageRefusedException($"The summary of {summary.Day:yyyy-MM-dd} is {json.Length} bytes, over the {MaxJsonBytes} a row's column holds.");
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = new TableEntity(Partition, RowKey(summary.Day))
        {
            [ComputedAtColumn] = summary.ComputedAt.ToUniversalTime(),
            [JsonColumn] = json,
        };
        try
        {
            await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The daily summary cannot be written");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    public async Task<StoredDailySummary?> GetAsync(DateOnly day, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition, RowKey(day), cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!found.HasValue || found.Value is not { } row || row.GetBinary(JsonColumn) is not { } json)
            {
                return null;
            }

            return new StoredDailySummary(day, row.GetDateTimeOffset(ComputedAtColumn) ?? default, Encoding.UTF8.GetString(json));
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The daily summary cannot be read");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    private static string RowKey(DateOnly day) => day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
