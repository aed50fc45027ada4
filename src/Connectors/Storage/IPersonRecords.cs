namespace Crm.Integration.Connectors.Storage;

/// <summary>What an erasure removed from the hub's tables.</summary>
/// <param name="LedgerRows">Ledger rows found by the person's fingerprints (and, for emails, by the send log's recipient fingerprint).</param>
/// <param name="ContactDates">Contact-date rows (last login, last task signup), found by the email; none without it.</param>
/// <param name="LedgerSearchable">False when no fingerprint key is configured: ledger rows cannot be found by person.</param>
public sealed record PersonRecordsErased(int LedgerRows, int ContactDates, bool LedgerSearchable);

/// <summary>
/// Every row the hub's tables keep about one person, found and deleted for an erasure (GDPR/CCPA). Today a ledger
/// search is a filtered scan of the table (no key holds the person); see the README for its cost.
/// Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface IPersonRecords
{
    Task<PersonRecordsErased> EraseAsync(PersonIds person, CancellationToken cancellationToken);

    /// <summary>The fingerprint by which the audit names the person: keyed, or null without a key.</summary>
    ValueTask<string?> AuditNameAsync(PersonIds person, CancellationToken cancellationToken);
}
