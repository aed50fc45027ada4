using System.Net;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// One row per job in the <c>Operations</c> table (partition <c>leases</c>): owner, expiry and the last scheduled
/// occurrence claimed, changed only by writes conditional on the ETag read, so two replicas cannot both take it.
/// (Azurite serves tables only, hence a table lease rather than a blob lease; both rely on the same conditional write.)
/// </summary>
internal sealed class TableJobLeases(TableServiceClient service, IOptions<StorageOptions> options, TimeProvider time) : IJobLeases
{
    private const string Partition = "leases";
    private const string Owner = "Owner";
    private const string ExpiresAt = "ExpiresAt";
    private const string LastOccurrence = "LastOccurrence";

    private readonly LazyTable _table = new(service, options.Value.OperationsTable);

    public async Task<bool> TryAcquireAsync(string job, string owner, DateTimeOffset? occurrence, TimeSpan duration, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var row = await ReadAsync(table, job, cancellationToken).ConfigureAwait(false);
        if (row is not null)
        {
            var heldByOther = row.GetString(Owner) is { Length: > 0 } holder && holder != owner && row.GetDateTimeOffset(ExpiresAt) > now;
            var claimed = occurrence is { } due && row.GetDateTimeOffset(LastOccurrence) >= due;
            if (heldByOther || claimed)
            {
                return false;
            }
        }

        var lease = new TableEntity(Partition, TableKey.Encode(job))
        {
            [Owner] = owner,
            [ExpiresAt] = now + duration,
            [LastOccurrence] = occurrence ?? row?.GetDateTimeOffset(LastOccurrence) ?? DateTimeOffset.UnixEpoch,
        };
        return await WriteAsync(table, lease, row?.ETag, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RenewAsync(string job, string owner, TimeSpan duration, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = await ReadAsync(table, job, cancellationToken).ConfigureAwait(false);
        if (row?.GetString(Owner) != owner)
        {
            return false;
        }

        row[ExpiresAt] = time.GetUtcNow() + duration;
        return await WriteAsync(table, row, row.ETag, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(string job, string owner, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var row = await ReadAsync(table, job, cancellationToken).ConfigureAwait(false);
        if (row?.GetString(Owner) == owner)
        {
            row[Owner] = "";
            row[ExpiresAt] = time.GetUtcNow();
            await WriteAsync(table, row, row.ETag, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TableEntity?> ReadAsync(TableClient table, string job, CancellationToken cancellationToken)
    {
        try
        {
            var found = await table.GetEntityIfExistsAsync<TableEntity>(Partition, TableKey.Encode(job), cancellationToken: cancellationToken).ConfigureAwait(false);
            return found.HasValue ? found.Value : null;
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The job lease cannot be read");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }

    /// <summary>Adds the row (none was read) or replaces it under the ETag read; false when another writer came first.</summary>
    private async Task<bool> WriteAsync(TableClient table, TableEntity lease, ETag? read, CancellationToken cancellationToken)
    {
        try
        {
            if (read is { } etag)
            {
                await table.UpdateEntityAsync(lease, etag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await table.AddEntityAsync(lease, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The job lease cannot be written");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }
}
