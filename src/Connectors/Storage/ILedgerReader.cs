namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Which ledger rows to read: those of <paramref name="Channels"/> received in [<paramref name="Since"/>,
/// <paramref name="Until"/>), optionally only one status, one type, or one person's.
/// </summary>
/// <param name="Person">Matched by keyed fingerprint (the ledger holds no address); without the fingerprint key nothing matches.</param>
public sealed record LedgerQuery(
    IReadOnlyList<string> Channels,
    DateTimeOffset Since,
    DateTimeOffset Until,
    NotificationStatus? Status = null,
    string? Type = null,
    PersonIds? Person = null);

/// <summary>One page of rows, in storage order (channel, day, shard, key); <paramref name="Next"/> is null on the last.</summary>
public sealed record LedgerPage(IReadOnlyList<NotificationRecord> Records, string? Next);

/// <summary>
/// The ledger as operators read it: by time window, status, type or person. Every query is bounded by its window's
/// partitions (<see cref="LedgerKeys"/>: a channel's days are a partition range), never a scan of the whole table.
/// Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface ILedgerReader
{
    /// <summary>Up to <paramref name="max"/> rows, continuing after <paramref name="cursor"/> (a page's <see cref="LedgerPage.Next"/>).</summary>
    /// <exception cref="FormatException">The cursor is not one this reader gave out.</exception>
    Task<LedgerPage> ReadPageAsync(LedgerQuery query, int max, string? cursor, CancellationToken cancellationToken);

    /// <summary>Every matching row, for counts and summaries.</summary>
    IAsyncEnumerable<NotificationRecord> ReadAllAsync(LedgerQuery query, CancellationToken cancellationToken);
}
