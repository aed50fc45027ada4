using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// One row per contact and kind of date: PartitionKey = hash of the email, RowKey = kind and hash. The hash repeats in
/// the RowKey for Azurite, whose point reads use the RowKey's index alone (a RowKey shared by all contacts made each
/// read a scan of the table); Azure serves either layout from the PartitionKey.
/// </summary>
internal sealed class TableContactDates(TableServiceClient service, IOptions<StorageOptions> options) : IContactDates
{
    private const string Column = "EpochMilliseconds";
    private readonly LazyTable _table = new(service, options.Value.ContactDatesTable);

    public async Task<long?> GetAsync(string email, ContactDate date, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(email);
        return (await ReadAsync(table, key, RowKeyOf(date, key), cancellationToken).ConfigureAwait(false))?.GetInt64(Column);
    }

    public async Task<long> AdvanceAsync(string email, ContactDate date, long epochMilliseconds, CancellationToken cancellationToken)
    {
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var key = KeyOf(email);
        var rowKey = RowKeyOf(date, key);
        for (var attempt = 1; ; attempt++)
        {
            var row = await ReadAsync(table, key, rowKey, cancellationToken).ConfigureAwait(false);
            if (row?.GetInt64(Column) is { } stored && stored >= epochMilliseconds)
            {
                return stored;
            }

            try
            {
                var entity = new TableEntity(key, rowKey) { [Column] = epochMilliseconds };
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
                // A concurrent event of the same contact wrote first: compare again.
            }
            catch (RequestFailedException ex)
            {
                throw new StorageUnavailableException($"Contact dates cannot be written ({ex.Status} {ex.ErrorCode}).", ex);
            }
        }
    }

    private static async Task<TableEntity?> ReadAsync(TableClient table, string key, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(key, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.HasValue ? response.Value : null;
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Contact dates cannot be read ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    private static string RowKeyOf(ContactDate date, string key) => date switch
    {
        ContactDate.LastLogin => "last-login-" + key,
        ContactDate.LastTaskSignup => "last-task-signup-" + key,
        _ => throw new ArgumentOutOfRangeException(nameof(date), date, "Unknown contact date."),
    };

    private static string KeyOf(string email) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)));
}
