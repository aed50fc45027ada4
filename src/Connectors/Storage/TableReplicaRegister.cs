using Azure;
using Azure.Data.Tables;
using Crm.Integration.Connectors.HubSpot;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// One partition, one row per replica: two requests per heartbeat (an upsert and a read of the partition), whatever the
/// number of HubSpot calls. Rows of replicas gone for an hour are deleted by the next heartbeat that sees them.
/// </summary>
internal sealed class TableReplicaRegister(TableServiceClient service, IOptions<StorageOptions> options, TimeProvider time) : IReplicaRegister
{
    private const string Partition = "hubspot-budget";
    private static readonly TimeSpan Forgotten = TimeSpan.FromHours(1);

    private readonly LazyTable _table = new(service, options.Value.ReplicasTable);
    public async Task<IReadOnlyList<ReplicaBeat>> BeatAsync(string replicaId, DateTimeOffset firstSeen, DateOnly? dailySpent, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        try
        {
            await table.UpsertEntityAsync(
                new TableEntity(Partition, TableKey.Encode(replicaId))
                {
                    ["ReplicaId"] = replicaId,
                    ["FirstSeen"] = firstSeen,
                    ["LastSeen"] = now,
                    ["DailySpent"] = dailySpent?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "",
                },
                TableUpdateMode.Replace,
                cancellationToken).ConfigureAwait(false);

            var beats = new List<ReplicaBeat>();
            await foreach (var row in table.QueryAsync<TableEntity>(r => r.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                var beat = new ReplicaBeat(
                    row.GetString("ReplicaId") ?? row.RowKey,
                    row.GetDateTimeOffset("FirstSeen") ?? DateTimeOffset.MinValue,
                    row.GetDateTimeOffset("LastSeen") ?? DateTimeOffset.MinValue,
                    DateOnly.TryParse(row.GetString("DailySpent"), System.Globalization.CultureInfo.InvariantCulture, out var day) ? day : null);
                if (now - beat.LastSeen > Forgotten)
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                beats.Add(beat);
            }

            return beats;
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The replica register failed");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }
    }
}
