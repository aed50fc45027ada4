using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

internal sealed class TableNotificationLedger(
    TableServiceClient service, IOptions<StorageOptions> options, PersonFingerprints fingerprints, TimeProvider timeProvider)
    : INotificationLedger
{
    // Each round of optimistic updates lets one writer through: enough rounds for a burst of concurrent deliveries.
    private const int ConcurrentUpdateAttempts = 25;

    private readonly LazyTable _table = new(service, options.Value.NotificationsTable);

    public async Task<LedgerAdmission> AdmitAsync(NotificationReceipt receipt, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var person = await fingerprints.OfAsync(receipt.Person, cancellationToken).ConfigureAwait(false);
        var entity = NotificationEntity.From(receipt, NotificationStatus.Received, person);
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return new LedgerAdmission(IsFirst: true, entity.ToRecord());
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            var existing = await UpdateAsync(table, entity.PartitionKey, entity.RowKey, row =>
            {
                if (row.ToRecord().IsSettled)
                {
                    return false;
                }

                row.Attempts++;
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

    public async Task<NotificationRecord> RecordDuplicateAsync(string sourceId, string channel, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var entity = await UpdateAsync(table, NotificationEntity.PartitionKeyOf(sourceId), NotificationEntity.RowKeyOf(sourceId, channel), row =>
        {
            row.DuplicatesSeen++;
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return entity.ToRecord();
    }

    public async Task RecordOutcomeAsync(string sourceId, string channel, NotificationOutcome outcome, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        // One merge of the outcome's columns, no read: the counters (attempts, duplicates) are not in it, so concurrent
        // deliveries cannot undo each other's counts, and it costs one storage operation per event instead of two.
        var patch = new TableEntity(NotificationEntity.PartitionKeyOf(sourceId), NotificationEntity.RowKeyOf(sourceId, channel))
        {
            [nameof(NotificationEntity.Status)] = outcome.Status.ToString(),
            [nameof(NotificationEntity.LastError)] = NotificationEntity.BoundedError(outcome.Error ?? ""),
            [nameof(NotificationEntity.UpdatedAt)] = timeProvider.GetUtcNow(),
        };
        Set(nameof(NotificationEntity.HubSpotId), outcome.HubSpotId);
        Set(nameof(NotificationEntity.Template), outcome.Template);
        Set(nameof(NotificationEntity.Recipient), outcome.Recipient);
        Set(nameof(NotificationEntity.Result), outcome.Result);
        if (await fingerprints.OfAsync(outcome.Person, cancellationToken).ConfigureAwait(false) is { } person)
        {
            Set(nameof(NotificationEntity.PersonEmail), person.Email);
            Set(nameof(NotificationEntity.PersonUser), person.Auth0UserId);
        }

        try
        {
            await table.UpdateEntityAsync(patch, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound && ex.ErrorCode != "TableNotFound")
        {
            throw new InvalidOperationException($"No ledger row {sourceId}/{channel}.", ex);
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

            entity.UpdatedAt = timeProvider.GetUtcNow();
            try
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return entity;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed && attempt < ConcurrentUpdateAttempts)
            {
                // Another delivery of the same event updated the row first: read it again, a moment later so the writers spread out.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt, 5))), timeProvider, cancellationToken).ConfigureAwait(false);
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
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var person = await fingerprints.OfAsync(receipt.Person, cancellationToken).ConfigureAwait(false);
        var entity = NotificationEntity.From(receipt, NotificationStatus.Rejected, person);
        entity.LastError = NotificationEntity.BoundedError(reason);
        try
        {
            await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
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

    public async Task<NotificationRecord?> FindAsync(string sourceId, string channel, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var entity = await GetAsync(table, NotificationEntity.PartitionKeyOf(sourceId), NotificationEntity.RowKeyOf(sourceId, channel), cancellationToken).ConfigureAwait(false);
        return entity?.ToRecord();
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
