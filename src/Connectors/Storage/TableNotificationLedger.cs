using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The ledger on Table Storage. Admissions, outcomes and rejections go through a <see cref="TableBatchWriter"/>: rows
/// of one partition (<see cref="LedgerKeys"/>) written at about the same time share one entity-group transaction.
/// Nothing is read on the way of a first arrival; only a repeat (the insert finds the row) reads its row once.
/// </summary>
internal sealed class TableNotificationLedger : INotificationLedger
{
    // Each round of optimistic updates lets one writer through: enough rounds for a burst of concurrent deliveries.
    private const int ConcurrentUpdateAttempts = 25;

    private readonly LazyTable _table;
    private readonly TableBatchWriter _writer;
    private readonly TimeProvider _time;
    private readonly PersonFingerprints _fingerprints;

    public TableNotificationLedger(TableServiceClient service, IOptions<StorageOptions> options, PersonFingerprints fingerprints, TimeProvider timeProvider)
    {
        _fingerprints = fingerprints;
        _table = new LazyTable(service, options.Value.NotificationsTable);
        _writer = new TableBatchWriter(_table);
        _time = timeProvider;
    }

    public async Task<LedgerAdmission> AdmitAsync(NotificationReceipt receipt, CancellationToken cancellationToken)
    {
        var person = await _fingerprints.OfAsync(receipt.Person, cancellationToken).ConfigureAwait(false);
        var entity = NotificationEntity.From(receipt, NotificationStatus.Received, person);
        try
        {
            await _writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.Add, entity), cancellationToken).ConfigureAwait(false);
            return new LedgerAdmission(IsFirst: true, entity.ToRecord());
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Seen before: one read and one conditional write count it — an attempt when it is not settled yet (a
            // redelivery after a failure or a crash) or a replayed rejection, a duplicate when it is settled.
            var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
            var existing = await UpdateAsync(table, entity.PartitionKey, entity.RowKey, row =>
            {
                switch (NotificationRecord.AdmitRepeat(row.ToRecord().Status, receipt.Replayed))
                {
                    case AdmissionOfRepeat.Duplicate:
                        row.DuplicatesSeen++;
                        break;
                    case AdmissionOfRepeat.Reopen:
                        row.Status = nameof(NotificationStatus.Received);
                        row.Attempts++;
                        break;
                    default:
                        row.Attempts++;
                        break;
                }

                return true;
            }, cancellationToken).ConfigureAwait(false);
            return new LedgerAdmission(IsFirst: false, existing.ToRecord());
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    public async Task<NotificationRecord> RecordDuplicateAsync(NotificationReceipt receipt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var entity = await UpdateAsync(table, LedgerKeys.PartitionKeyOf(receipt), LedgerKeys.RowKeyOf(receipt.SourceId, receipt.Channel), row =>
        {
            row.DuplicatesSeen++;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return entity.ToRecord();
    }

    public async Task RecordOutcomeAsync(NotificationReceipt receipt, NotificationOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(outcome);
        // One merge of the outcome's columns, no read: the counters (attempts, duplicates) are not in it, so concurrent
        // deliveries cannot undo each other's counts; it shares its partition's next transaction.
        var patch = new TableEntity(LedgerKeys.PartitionKeyOf(receipt), LedgerKeys.RowKeyOf(receipt.SourceId, receipt.Channel))
        {
            [nameof(NotificationEntity.Status)] = outcome.Status.ToString(),
            [nameof(NotificationEntity.LastError)] = NotificationEntity.BoundedError(outcome.Error ?? ""),
            [nameof(NotificationEntity.UpdatedAt)] = _time.GetUtcNow(),
        };
        Set(nameof(NotificationEntity.HubSpotId), outcome.HubSpotId);
        Set(nameof(NotificationEntity.Template), outcome.Template);
        Set(nameof(NotificationEntity.Recipient), outcome.Recipient);
        Set(nameof(NotificationEntity.Result), outcome.Result);
        if (await _fingerprints.OfAsync(outcome.Person, cancellationToken).ConfigureAwait(false) is { } person)
        {
            Set(nameof(NotificationEntity.PersonEmail), person.Email);
            Set(nameof(NotificationEntity.PersonUser), person.Auth0UserId);
        }

        try
        {
            await _writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpdateMerge, patch, ETag.All), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound && ex.ErrorCode != "TableNotFound")
        {
            throw new InvalidOperationException($"No ledger row {receipt.SourceId}/{receipt.Channel}.", ex);
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }

        void Set(string column, string? value)
        {
            if (value is not null)
            {
                patch[column] = NotificationEntity.BoundedText(value);
            }
        }
    }

    /// <summary>
    /// Read, change, write back under the row's ETag, again on a conflict: concurrent deliveries of one event each
    /// count instead of overwriting one another. <paramref name="change"/> returns false to leave the row as it is.
    /// </summary>
    private async Task<NotificationEntity> UpdateAsync(
        TableClient table, string partitionKey, string rowKey, Func<NotificationEntity, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var entity = await GetAsync(table, partitionKey, rowKey, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"No ledger row {partitionKey}/{rowKey}.");
            if (!change(entity))
            {
                return entity;
            }

            entity.UpdatedAt = _time.GetUtcNow();
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return entity;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed && attempt < ConcurrentUpdateAttempts)
            {
                // Another delivery of the same event updated the row first: read it again, a moment later so the writers spread out.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 5))), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex)
            {
                throw Unavailable(ex);
            }
            catch (AggregateException ex)
            {
                throw StorageFailures.Unreachable(ex);
            }
        }
    }

    public async Task RecordRejectedAsync(NotificationReceipt receipt, string reason, CancellationToken cancellationToken)
    {
        var person = await _fingerprints.OfAsync(receipt.Person, cancellationToken).ConfigureAwait(false);
        var entity = NotificationEntity.From(receipt, NotificationStatus.Rejected, person);
        entity.LastError = NotificationEntity.BoundedError(reason);
        try
        {
            await _writer.SubmitAsync(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity), cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    /// <summary>
    /// The row of an event on any day (the newest when a redelivery crossed midnight): a query over the channel's
    /// partitions, for operators and tests, never on the way of an event.
    /// </summary>
    public async Task<NotificationRecord?> FindAsync(string sourceId, string channel, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var filter = $"{LedgerKeys.OfChannel(channel)} and RowKey eq '{LedgerKeys.RowKeyOf(sourceId, channel).Replace("'", "''", StringComparison.Ordinal)}'";
        try
        {
            NotificationEntity? newest = null;
            await foreach (var row in table.QueryAsync<NotificationEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (newest is null || row.ReceivedAt > newest.ReceivedAt)
                {
                    newest = row;
                }
            }

            return newest?.ToRecord();
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    private async Task<NotificationEntity?> GetAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<NotificationEntity>(partitionKey, rowKey, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException ex)
        {
            throw Unavailable(ex);
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    private Exception Unavailable(RequestFailedException ex) => _table.Failed(ex, "The notifications ledger failed");
}
