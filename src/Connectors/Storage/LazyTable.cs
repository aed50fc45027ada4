using Azure;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// A table client whose table is created on first use, not at start, so that the host starts (and reports not-ready)
/// while storage is down; creation is tried again on the next use after a failure, and after the table was found gone
/// (a storage account restored or emptied, an emulator restarted from an older save: 404 TableNotFound).
/// </summary>
internal sealed class LazyTable(TableServiceClient service, string tableName)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private TableClient? _table;

    /// <summary>
    /// What a failed request means (<see cref="StorageFailures"/>); a table found gone is created again on the next use,
    /// so its 404 is an outage that passes, not a refusal.
    /// </summary>
    public Exception Failed(RequestFailedException ex, string what)
    {
        ArgumentNullException.ThrowIfNull(ex);
        if (ex.Status == 404 && ex.ErrorCode == "TableNotFound")
        {
            Volatile.Write(ref _table, null);
            return new StorageUnavailableException($"{what}: table '{tableName}' is gone; it is created again on the next use.", ex);
        }

        return StorageFailures.Classify(ex, what);
    }

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
