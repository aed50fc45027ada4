using System.Collections.Concurrent;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Testing.Fakes;

/// <summary>The ledger's contract in memory, for handler tests; the table-backed one is tested against Azurite.</summary>
public sealed class InMemoryLedger : INotificationLedger
{
    private readonly ConcurrentDictionary<(string SourceId, string Channel), NotificationRecord> _rows = new();

    /// <summary>When set, every call throws it, as the real ledger does when storage is down.</summary>
    public Exception? FailWith { get; set; }

    public IReadOnlyCollection<NotificationRecord> Rows => _rows.Values.ToList();

    public Task<LedgerAdmission> AdmitAsync(NotificationReceipt receipt, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        var created = new NotificationRecord(
            receipt.SourceId, receipt.Channel, receipt.Type, NotificationStatus.Received, receipt.ReceivedAt, receipt.ReceivedAt, 1, 0, null);
        var stored = _rows.GetOrAdd((receipt.SourceId, receipt.Channel), created);
        if (ReferenceEquals(stored, created))
        {
            return Task.FromResult(new LedgerAdmission(true, stored));
        }

        var current = _rows.AddOrUpdate((receipt.SourceId, receipt.Channel), stored, (_, row) =>
            NotificationRecord.AdmitRepeat(row.Status, receipt.Replayed) switch
            {
                AdmissionOfRepeat.Duplicate => row with { DuplicatesSeen = row.DuplicatesSeen + 1 },
                AdmissionOfRepeat.Reopen => row with { Status = NotificationStatus.Received, Attempts = row.Attempts + 1 },
                _ => row with { Attempts = row.Attempts + 1 },
            });
        return Task.FromResult(new LedgerAdmission(false, current));
    }

    public Task<NotificationRecord> RecordDuplicateAsync(NotificationReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ThrowIfFailing();
        var updated = _rows.AddOrUpdate(
            (receipt.SourceId, receipt.Channel),
            _ => throw new InvalidOperationException($"No row {receipt.SourceId}/{receipt.Channel}."),
            (_, row) => row with { DuplicatesSeen = row.DuplicatesSeen + 1 });
        return Task.FromResult(updated);
    }

    public Task RecordOutcomeAsync(NotificationReceipt receipt, NotificationOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(outcome);
        ThrowIfFailing();
        _rows.AddOrUpdate(
            (receipt.SourceId, receipt.Channel),
            _ => throw new InvalidOperationException($"No row {receipt.SourceId}/{receipt.Channel}."),
            (_, row) => row with
            {
                Status = outcome.Status,
                LastError = outcome.Error,
                HubSpotId = outcome.HubSpotId ?? row.HubSpotId,
                Template = outcome.Template ?? row.Template,
                Recipient = outcome.Recipient ?? row.Recipient,
                Result = outcome.Result ?? row.Result,
            });
        return Task.CompletedTask;
    }

    public Task RecordRejectedAsync(NotificationReceipt receipt, string reason, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        _rows[(receipt.SourceId, receipt.Channel)] = new NotificationRecord(
            receipt.SourceId, receipt.Channel, receipt.Type, NotificationStatus.Rejected, receipt.ReceivedAt, receipt.ReceivedAt, 1, 0, reason);
        return Task.CompletedTask;
    }

    public Task<NotificationRecord?> FindAsync(string sourceId, string channel, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult(_rows.GetValueOrDefault((sourceId, channel)));
    }

    private void ThrowIfFailing()
    {
        if (FailWith is { } failure)
        {
            throw failure;
        }
    }
}
