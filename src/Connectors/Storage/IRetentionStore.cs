namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Where each kind of row expires. Ledger rows expire once settled (delivered or rejected) and unchanged since their
/// channel's cutoff in <see cref="LedgerByChannel"/>, which names every channel to clean (a channel it does not name is
/// never read: each is a partition range of its own); rows still in flight or failing never expire. Contact-date rows
/// expire when unwritten since <see cref="ContactDates"/>. HubSpot usage rows of UTC days that ended before
/// <see cref="HubSpotUsage"/> expire (none when it is null).
/// </summary>
public sealed record RetentionCutoffs(
    IReadOnlyDictionary<string, DateTimeOffset> LedgerByChannel, DateTimeOffset ContactDates, DateTimeOffset? HubSpotUsage = null);

/// <summary>
/// One expired row. <see cref="Kind"/> is the ledger channel (<c>auth0</c>, <c>email</c>, …) or
/// <see cref="RetentionKinds.ContactDates"/>; the keys and <see cref="Version"/> are the store's own, handed back to
/// <see cref="IRetentionStore.DeleteAsync"/> as they came.
/// </summary>
public sealed record ExpiredRow(string Kind, string PartitionKey, string RowKey, string Version, DateTimeOffset EndedAt);

/// <param name="Continuation">Where the next page starts; null when the scan is complete. A page may be empty and still have one.</param>
public sealed record ExpiredPage(IReadOnlyList<ExpiredRow> Rows, string? Continuation);

/// <param name="Deleted">Rows deleted (or found already gone).</param>
/// <param name="Kept">Rows that changed since they were read (a duplicate arrived, a status came): kept, they expire later.</param>
public sealed record RetentionDeletion(int Deleted, int Kept);

public static class RetentionKinds
{
    public const string ContactDates = "contact-dates";

    /// <summary>Per-minute HubSpot usage rows (<see cref="HubSpotUsageKeys"/>).</summary>
    public const string HubSpotUsage = "hubspot-usage";
}

/// <summary>
/// The storage side of the daily cleanup, apart from its schedule, lease, pacing and report (which do not depend on how
/// the rows are keyed). The ledger is keyed by channel and day of receipt (<see cref="LedgerKeys"/>), so finding a
/// channel's expired rows reads the partitions of the days up to its cutoff only, never the rows kept.
/// Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface IRetentionStore
{
    /// <summary>A page of at most <paramref name="pageSize"/> expired rows; <paramref name="continuation"/> null for the first.</summary>
    Task<ExpiredPage> FindExpiredAsync(RetentionCutoffs cutoffs, int pageSize, string? continuation, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the rows unless they changed since they were found; rows sharing a partition go in entity-group
    /// transactions of up to 100.
    /// </summary>
    Task<RetentionDeletion> DeleteAsync(IReadOnlyList<ExpiredRow> rows, CancellationToken cancellationToken);
}
