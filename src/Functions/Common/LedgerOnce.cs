using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Common;

/// <summary>What became of an event under the once-per-event rule.</summary>
/// <param name="Outcome">The outcome recorded; null when the event was a repeat of one already settled.</param>
/// <param name="DuplicatesSeen">For a repeat: how many repeats the ledger has counted.</param>
internal readonly record struct LedgerOnceResult(HandlerOutcome Verdict, NotificationOutcome? Outcome, int DuplicatesSeen);

/// <summary>
/// The ledger's once-per-event rule, shared by the queue handlers: admit the event; count a repeat of one already
/// settled instead of handling it again; otherwise handle it and record what became of it.
/// </summary>
internal static class LedgerOnce
{
    /// <param name="deliver">Handles the event; it is given the attempt number the ledger counted.</param>
    public static async Task<LedgerOnceResult> HandleAsync(
        INotificationLedger ledger,
        NotificationReceipt receipt,
        Func<int, Task<(NotificationOutcome Outcome, HandlerOutcome Verdict)>> deliver,
        CancellationToken cancellationToken)
    {
        var admission = await ledger.AdmitAsync(receipt, cancellationToken).ConfigureAwait(false);
        if (admission.Record.IsSettled)
        {
            var record = await ledger.RecordDuplicateAsync(receipt.SourceId, receipt.Channel, cancellationToken).ConfigureAwait(false);
            return new LedgerOnceResult(HandlerOutcome.Duplicate, null, record.DuplicatesSeen);
        }

        var (outcome, verdict) = await deliver(admission.Record.Attempts).ConfigureAwait(false);
        await ledger.RecordOutcomeAsync(receipt.SourceId, receipt.Channel, outcome, cancellationToken).ConfigureAwait(false);
        return new LedgerOnceResult(verdict, outcome, 0);
    }
}
