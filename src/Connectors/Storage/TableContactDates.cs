using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// One row per contact and kind of date: PartitionKey = hash of the email, RowKey = kind and hash. The hash repeats in
/// the RowKey for Azurite, whose point reads use the RowKey's index alone (a RowKey shared by all contacts made each
/// read a scan of the table); Azure serves either layout from the PartitionKey.
/// </summary>
/// <remarks>
/// The rows this process last read or wrote are remembered with their ETags. Stored dates only ever rise, so a
/// remembered date at or after an event's proves the event late without a read, and a remembered ETag lets the next
/// claim write without reading first; if another writer moved the row meanwhile, the write fails on the ETag and the
/// row is read again. <see cref="GetAsync"/> always reads: it is the check against other writers.
/// </remarks>
internal sealed class TableContactDates : IContactDates, IDisposable
{
    private const string Column = "EpochMilliseconds";

    // Enough rounds for every login of one contact in a burst (each round lets one writer through).
    private const int ContendedAttempts = 100;
    private readonly LazyTable _table;
    private readonly MemoryCache? _remembered;
    private readonly TimeProvider _time;

    public TableContactDates(TableServiceClient service, IOptions<StorageOptions> options, TimeProvider time)
    {
        _time = time;
        _table = new LazyTable(service, options.Value.ContactDatesTable);
        _remembered = options.Value.ContactDatesRemembered > 0
            ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.ContactDatesRemembered })
            : null;
    }

    public async Task<long?> GetAsync(string email, ContactDate date, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(email);
        return (await ReadAsync(table, key, RowKeyOf(date, key), cancellationToken).ConfigureAwait(false))?.EpochMilliseconds;
    }

    public async Task<long> AdvanceAsync(string email, ContactDate date, long epochMilliseconds, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(email);
        var rowKey = RowKeyOf(date, key);
        var row = _remembered?.Get<StoredDate>(rowKey);
        for (var attempt = 1; ; attempt++)
        {
            row ??= await ReadAsync(table, key, rowKey, cancellationToken).ConfigureAwait(false);
            if (row?.EpochMilliseconds >= epochMilliseconds)
            {
                return row.EpochMilliseconds;
            }

            try
            {
                var entity = new TableEntity(key, rowKey) { [Column] = epochMilliseconds };
                var written = row is null
                    ? await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                    : await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                if (written.Headers.ETag is { } etag)
                {
                    Remember(rowKey, new StoredDate(epochMilliseconds, etag));
                }

                return epochMilliseconds;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another writer (an event of the same contact, here or on another replica) came first: the normal race
                // of optimistic concurrency, not a fault. Read and compare again; every round lets one writer through, and
                // dates only rise, so a burst settles. Spread the writers a little once they keep meeting.
                if (attempt >= ContendedAttempts)
                {
                    throw new StorageUnavailableException($"Contact date still contended after {attempt} attempts; try again later.", ex);
                }

                row = null;
                if (attempt > 2)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RequestFailedException ex)
            {
                throw _table.Failed(ex, "Contact dates cannot be written");
            }
            catch (AggregateException ex)
            {
                throw StorageFailures.Unreachable(ex);
            }
        }
    }

    private async Task<StoredDate?> ReadAsync(TableClient table, string key, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(key, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!response.HasValue)
            {
                return null;
            }

            // A row without the date (mended by hand) is older than any event.
            var row = new StoredDate(response.Value!.GetInt64(Column) ?? long.MinValue, response.Value.ETag);
            Remember(rowKey, row);
            return row;
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "Contact dates cannot be read");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    /// <summary>Deletes every date kept for the contact (an erasure) and forgets what this process remembered; returns how many rows went.</summary>
    public async Task<int> EraseAsync(string email, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(email);
        var erased = 0;
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == key, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                _remembered?.Remove(row.RowKey);
                erased++;
            }
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "Contact dates cannot be erased");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }

        return erased;
    }

    private void Remember(string rowKey, StoredDate row) => _remembered?.Set(rowKey, row, new MemoryCacheEntryOptions { Size = 1 });

    private static string RowKeyOf(ContactDate date, string key) => date switch
    {
        ContactDate.LastLogin => "last-login-" + key,
        ContactDate.LastTaskSignup => "last-task-signup-" + key,
        _ => throw new ArgumentOutOfRangeException(nameof(date), date, "Unknown contact date."),
    };

    private static string KeyOf(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)));

    public void Dispose() => _remembered?.Dispose();

    private sealed record StoredDate(long EpochMilliseconds, ETag ETag);
}
