using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

internal sealed class TableLookups(TableServiceClient service, IOptions<StorageOptions> options) : ILookups
{
    private readonly LazyTable _table = new(service, options.Value.LookupsTable);

    public async Task<IReadOnlyDictionary<string, string>> GetPartitionAsync(string partition, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (row.GetString("Value") is { Length: > 0 } value)
                {
                    values[row.RowKey] = value;
                }
            }
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Lookups partition '{partition}' cannot be read ({ex.Status} {ex.ErrorCode}).", ex);
        }

        return values;
    }
}
