using Azure;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// A table client whose table is created on first use, not at start, so that the host starts (and reports not-ready)
/// while storage is down; creation is tried again on the next use after a failure.
/// </summary>
internal sealed class LazyTable(TableServiceClient service, string tableName)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TableClient? _table;

    public async ValueTask<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _table) is { } ready)
        {
            return ready;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_table is null)
            {
                var table = service.GetTableClient(tableName);
                await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _table, table);
            }

            return _table;
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Table '{tableName}' cannot be reached or created ({ex.Status} {ex.ErrorCode}).", ex);
        }
        catch (AggregateException ex)
        {
            throw new StorageUnavailableException($"Table '{tableName}' cannot be reached: {ex.InnerException?.Message}", ex);
        }
        finally
        {
            _gate.Release();
        }
    }
}
