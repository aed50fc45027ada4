using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// One row per contact and kind of date: PartitionKey = <c>{kind}|{shard}</c> (one of <see cref="Shards"/> by the
/// email's hash), RowKey = the hash of the email. Few partitions, so that the claims of a burst share entity-group
/// transactions (<see cref="TableBatchWriter"/>); the hash, never the email, is stored.
/// </summary>
/// <remarks>
/// The rows this process last read or wrote are remembered with their ETags. Stored dates only ever rise, so a
/// remembered date at or after an event's proves the event late without a request, and a remembered ETag lets the
/// claim write without reading first. Every write is conditional — an insert for a row not known here, a replace on
/// the remembered ETag — so that a row another replica moved fails the write (409/412), is read once and compared
/// again. Nothing is read after a write. Where rows not remembered here turn out to exist (beside another replica, after a
/// restart), a claim of one reads it first instead (see <see cref="UnknownRowsUsuallyExist"/>).
/// </remarks>
internal sealed class TableContactDates : IContactDates, IDisposable
{
    private const string Column = "EpochMilliseconds";

    /// <summary>Partitions per kind of date: a batch of 100 claims is at most eight transactions.</summary>
    private const int Shards = 8;

    // Enough rounds for every login of one contact in a burst (each round lets one writer through).
    private const int ContendedAttempts = 100;

    /// <summary>How many of the last unknown rows the estimate of <see cref="UnknownRowsUsuallyExist"/> can outweigh.</summary>
    private const int UnknownRowsMemory = 8;

    private readonly LazyTable _table;
    private readonly TableBatchWriter _writer;
    private readonly MemoryCache? _remembered;
    private readonly TimeProvider _time;
    private int _unknownRowsFound; // > 0: unknown rows have mostly been there; ≤ 0: mostly new

    public TableContactDates(TableServiceClient service, IOptions<StorageOptions> options, TimeProvider time)
    {
        _time = time;
        _table = new LazyTable(service, options.Value.ContactDatesTable);
        _writer = new TableBatchWriter(_table);
        _remembered = options.Value.ContactDatesRemembered > 0
            ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.ContactDatesRemembered })
            : null;
    }

    public async Task<long?> GetAsync(string email, ContactDate date, CancellationToken cancellationToken)
    {
        var (partitionKey, rowKey) = KeysOf(email, date);
        return (await ReadAsync(partitionKey, rowKey, cancellationToken).ConfigureAwait(false))?.EpochMilliseconds;
    }

    public long? Known(string email, ContactDate date)
    {
        var (partitionKey, rowKey) = KeysOf(email, date);
        return _remembered?.Get<StoredDate>(partitionKey + rowKey)?.EpochMilliseconds;
    }

    public async Task<long> AdvanceAsync(string email, ContactDate date, long epochMilliseconds, CancellationToken cancellationToken)
    {
        var (partitionKey, rowKey) = KeysOf(email, date);
        var row = _remembered?.Get<StoredDate>(partitionKey + rowKey);
        var readFirst = row is null && UnknownRowsUsuallyExist;
        if (readFirst)
        {
            row = await ReadAsync(partitionKey, rowKey, cancellationToken).ConfigureAwait(false);
            LearnWhetherUnknownRowsExist(row is not null);
        }

        // An insert of a row not known here (and not read first) tells, by its answer, whether such rows exist.
        var insertsUnknownRow = row is null && !readFirst;
        for (var attempt = 1; ; attempt++)
        {
            if (row?.EpochMilliseconds >= epochMilliseconds)
            {
                return row.EpochMilliseconds;
            }

            try
            {
                var entity = new TableEntity(partitionKey, rowKey) { [Column] = epochMilliseconds };
                var action = row is null
                    ? new TableTransactionAction(TableTransactionActionType.Add, entity)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.ETag);
                var written = await _writer.SubmitAsync(action, cancellationToken).ConfigureAwait(false);
                if (insertsUnknownRow && attempt == 1)
                {
                    LearnWhetherUnknownRowsExist(false);
                }

                if (written.Headers.ETag is { } etag)
                {
                    Remember(partitionKey + rowKey, new StoredDate(epochMilliseconds, etag));
                }

                return epochMilliseconds;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                if (insertsUnknownRow && attempt == 1)
                {
                    LearnWhetherUnknownRowsExist(true); // 409: it was there
                }

                // Another writer (an event of the same contact, here or on another replica) came first: the normal race
                // of optimistic concurrency, not a fault. Read and compare again; every round lets one writer through, and
                // dates only rise, so a burst settles. Spread the writers a little once they keep meeting.
                if (attempt >= ContendedAttempts)
                {
                    throw new StorageUnavailableException($"Contact date still contended after {attempt} attempts; try again later.", ex);
                }

                if (attempt > 2)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 * Math.Min(attempt, 10))), _time, cancellationToken).ConfigureAwait(false);
                }

                row = await ReadAsync(partitionKey, rowKey, cancellationToken).ConfigureAwait(false);
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

    private async Task<StoredDate?> ReadAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (!response.HasValue)
            {
                return null;
            }

            // A row without the date (mended by hand) is older than any event.
            var row = new StoredDate(response.Value!.GetInt64(Column) ?? long.MinValue, response.Value.ETag);
            Remember(partitionKey + rowKey, row);
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
        var erased = 0;
        foreach (var date in Enum.GetValues<ContactDate>())
        {
            var (partitionKey, rowKey) = KeysOf(email, date);
            _remembered?.Remove(partitionKey + rowKey);
            try
            {
                // The SDK answers a missing entity with its 404 response rather than an exception: no such date kept.
                using var deleted = await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                erased += deleted.Status == 404 ? 0 : 1;
            }
            catch (RequestFailedException ex)
            {
                throw _table.Failed(ex, "Contact dates cannot be erased");
            }
            catch (AggregateException ex)
            {
                throw StorageFailures.Unreachable(ex);
            }
        }

        return erased;
    }

    /// <summary>
    /// Whether a row this process does not remember is usually there already (another replica wrote it, or this one
    /// restarted): then a claim reads it before writing, since an insert of an existing row fails its whole
    /// entity-group transaction (409), which goes again without it, and the row is read anyway. Where unknown rows are
    /// new contacts (one replica, warm), the claim inserts at once, with no read.
    /// </summary>
    private bool UnknownRowsUsuallyExist => Volatile.Read(ref _unknownRowsFound) > 0;

    /// <summary>Moves the estimate one step: what the last unknown row turned out to be, within ±<see cref="UnknownRowsMemory"/>.</summary>
    private void LearnWhetherUnknownRowsExist(bool existed)
    {
        int seen, next;
        do
        {
            seen = Volatile.Read(ref _unknownRowsFound);
            next = Math.Clamp(seen + (existed ? 1 : -1), -UnknownRowsMemory, UnknownRowsMemory);
        }
        while (Interlocked.CompareExchange(ref _unknownRowsFound, next, seen) != seen);
    }

    private void Remember(string key, StoredDate row) => _remembered?.Set(key, row, new MemoryCacheEntryOptions { Size = 1 });

    private static (string PartitionKey, string RowKey) KeysOf(string email, ContactDate date)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(email));
        var kind = date switch
        {
            ContactDate.LastLogin => "last-login",
            ContactDate.LastTaskSignup => "last-task-signup",
            _ => throw new ArgumentOutOfRangeException(nameof(date), date, "Unknown contact date."),
        };
        return (string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{kind}|{hash[0] % Shards}"), Convert.ToHexStringLower(hash));
    }

    public void Dispose() => _remembered?.Dispose();

    private sealed record StoredDate(long EpochMilliseconds, ETag ETag);
}
