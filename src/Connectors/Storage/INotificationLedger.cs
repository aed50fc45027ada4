namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The notifications ledger: one row per event, keyed by its source id and channel, so that an event delivered twice
/// is recognised. Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface INotificationLedger
{
    /// <summary>
    /// Creates the row in status <see cref="NotificationStatus.Received"/>, or returns the existing one; an existing row
    /// that is not settled yet (a redelivery after a failure or a crash) counts one more attempt, a settled one one
    /// more duplicate (so that a repeat costs no second call).
    /// </summary>
    Task<LedgerAdmission> AdmitAsync(NotificationReceipt receipt, CancellationToken cancellationToken);

    /// <summary>Writes what became of the event: its status, the reason of a failure, the HubSpot object it wrote.</summary>
    /// <remarks>The receipt is the one the event was admitted with: its day names the row's partition.</remarks>
    Task RecordOutcomeAsync(NotificationReceipt receipt, NotificationOutcome outcome, CancellationToken cancellationToken);

    /// <summary>Counts one more arrival of an event already handled (admitted with <paramref name="receipt"/>).</summary>
    Task<NotificationRecord> RecordDuplicateAsync(NotificationReceipt receipt, CancellationToken cancellationToken);

    /// <summary>Writes (or overwrites) the row as <see cref="NotificationStatus.Rejected"/> with the reason.</summary>
    Task RecordRejectedAsync(NotificationReceipt receipt, string reason, CancellationToken cancellationToken);

    Task<NotificationRecord?> FindAsync(string sourceId, string channel, CancellationToken cancellationToken);
}
