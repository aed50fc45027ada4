using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

internal sealed class TableLastLoginStore(TableServiceClient service, IOptions<StorageOptions> options) : ILastLoginStore
{
    private const string RowKey = "last-login";
    private const string Column = "EpochMilliseconds";
    private readonly LazyTable _table = new(service, options.Value.ContactLoginsTable);

    public async Task<long?> GetAsync(string email, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        return (await ReadAsync(table, KeyOf(email), cancellationToken).ConfigureAwait(false))?.GetInt64(Column);
    }

    public async Task<long> AdvanceAsync(string email, long epochMilliseconds, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(email);
        for (var attempt = 1; ; attempt++)
        {
            var row = await ReadAsync(table, key, cancellationToken).ConfigureAwait(false);
            if (row?.GetInt64(Column) is { } stored && stored >= epochMilliseconds)
            {
                return stored;
            }

            try
            {
                var entity = new TableEntity(key, RowKey) { [Column] = epochMilliseconds };
                if (row is null)
                {
                    await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await table.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }

                return epochMilliseconds;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < 5)
            {
                // A concurrent login of the same contact wrote first: compare again.
            }
            catch (RequestFailedException ex)
            {
                throw new StorageUnavailableException($"Contact login dates cannot be written ({ex.Status} {ex.ErrorCode}).", ex);
            }
        }
    }

    private static async Task<TableEntity?> ReadAsync(TableClient table, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(key, RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Contact login dates cannot be read ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    private static string KeyOf(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)));
}
