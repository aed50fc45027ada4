using Azure;
using Azure.Data.Tables;
using Crm.Integration.Connectors.HubSpot;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Erasure on today's layout: the ledger has no key by person, so its rows are found by a server-side filtered scan on
/// the fingerprint columns; rows found by the user id that carry an email fingerprint lead to that email's rows too
/// (a login names both). Email rows written before the fingerprint columns existed are found by their recipient
/// fingerprint (<see cref="PersonalData.Fingerprint"/>) when the email is known; other older rows name nobody.
/// Contact dates are keyed by a hash of the email, so they are found only when the email is known.
/// (Column names are written into the filters as text: an interpolated name would be quoted as a value.)
/// </summary>
internal sealed class TablePersonRecords(
    TableServiceClient service, IOptions<StorageOptions> options, PersonFingerprints fingerprints, TableContactDates contactDates) : IPersonRecords
{
    private static readonly string[] KeyColumns = ["PartitionKey", "RowKey", nameof(NotificationEntity.PersonEmail)];
    private readonly LazyTable _ledger = new(service, options.Value.NotificationsTable);

    public async Task<PersonRecordsErased> EraseAsync(PersonIds person, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        var fingerprint = await fingerprints.OfAsync(person, cancellationToken).ConfigureAwait(false);
        var filters = new List<string>();
        if (person.NormalizedEmail is { } email)
        {
            filters.Add(TableClient.CreateQueryFilter($"Recipient eq {PersonalData.Fingerprint(email)}"));
        }

        if (fingerprint?.Email is { } byEmail)
        {
            filters.Add(TableClient.CreateQueryFilter($"PersonEmail eq {byEmail}"));
        }

        if (fingerprint?.Auth0UserId is { } byUser)
        {
            filters.Add(TableClient.CreateQueryFilter($"PersonUser eq {byUser}"));
        }

        var table = await _ledger.GetAsync(cancellationToken).ConfigureAwait(false);
        var (erased, linkedEmails) = await EraseMatchingAsync(table, filters, cancellationToken).ConfigureAwait(false);
        linkedEmails.Remove(fingerprint?.Email ?? "");
        if (linkedEmails.Count > 0)
        {
            var linked = linkedEmails.Select(e => TableClient.CreateQueryFilter($"PersonEmail eq {e}")).ToList();
            erased += (await EraseMatchingAsync(table, linked, cancellationToken).ConfigureAwait(false)).Erased;
        }

        var dates = person.NormalizedEmail is { } address ? await contactDates.EraseAsync(address, cancellationToken).ConfigureAwait(false) : 0;
        return new PersonRecordsErased(erased, dates, LedgerSearchable: fingerprint is not null);
    }

    public async ValueTask<string?> AuditNameAsync(PersonIds person, CancellationToken cancellationToken)
    {
        var fingerprint = await fingerprints.OfAsync(person, cancellationToken).ConfigureAwait(false);
        return fingerprint?.Email ?? fingerprint?.Auth0UserId;
    }

    /// <summary>Deletes every row matching any filter; returns how many, and the email fingerprints those rows carried.</summary>
    private async Task<(int Erased, HashSet<string> Emails)> EraseMatchingAsync(TableClient table, List<string> filters, CancellationToken cancellationToken)
    {
        var emails = new HashSet<string>(StringComparer.Ordinal);
        if (filters.Count == 0)
        {
            return (0, emails);
        }

        var matches = new List<TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>(string.Join(" or ", filters), select: KeyColumns, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                matches.Add(row);
                if (row.GetString(nameof(NotificationEntity.PersonEmail)) is { Length: > 0 } email)
                {
                    emails.Add(email);
                }
            }

            foreach (var row in matches)
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException ex)
        {
            throw _ledger.Failed(ex, "The person's ledger rows cannot be erased");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }

        return (matches.Count, emails);
    }
}
