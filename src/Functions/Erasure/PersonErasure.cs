using System.Text.Json.Serialization;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.TemplatesAdmin;

namespace Crm.Integration.Functions.Erasure;

/// <summary>What an erasure removed, as the API answers it and the audit keeps it: no address, only counts and a fingerprint.</summary>
/// <param name="HubSpot"><c>deleted</c> (HubSpot's GDPR delete answered 204), <c>failed</c>, or <c>not_asked</c> (the email is not known).</param>
/// <param name="Complete">True when nothing the hub keeps about the person is left, HubSpot's contact included.</param>
internal sealed record ErasureResult(
    string IdentifiedBy,
    string? Fingerprint,
    int LedgerRows,
    int ContactDates,
    int CachedProfiles,
    [property: JsonPropertyName("hubspot")] string HubSpot,
    [property: JsonPropertyName("hubspot_detail")] string? HubSpotDetail,
    bool LedgerSearchable,
    bool Complete,
    IReadOnlyList<string> Notes)
{
    public const string HubSpotDeleted = "deleted";
    public const string HubSpotFailed = "failed";
    public const string HubSpotNotAsked = "not_asked";

    /// <summary>HubSpot could not be asked now: erasing again later is safe (every step is idempotent).</summary>
    [JsonIgnore]
    public bool HubSpotTransient { get; init; }
}

/// <summary>
/// Erasure of a person (GDPR/CCPA): the hub's rows about them (ledger rows by fingerprint, contact dates by email),
/// the profiles this process caches, and — through HubSpot's documented GDPR delete — the HubSpot contact; then an
/// audit entry naming the admin and the person's fingerprint. Given only an Auth0 user id, the email is read from
/// Auth0 so that the email-keyed rows and HubSpot can be reached too.
/// </summary>
internal sealed class PersonErasure(
    IPersonRecords records,
    IHubSpotGdpr hubSpot,
    IAuth0Users auth0,
    Recipients recipients,
    IOperationsAudit audit,
    TimeProvider time,
    ILogger<PersonErasure> logger)
{
    public async Task<ErasureResult> EraseAsync(PersonIds person, string identifiedBy, AdminIdentity admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(admin);
        var notes = new List<string>();
        var fingerprint = await records.AuditNameAsync(person, cancellationToken).ConfigureAwait(false);
        if (person.NormalizedEmail is null && person.NormalizedAuth0UserId is { } userId)
        {
            person = person with { Email = await EmailOfAsync(userId, notes, cancellationToken).ConfigureAwait(false) };
        }

        var erased = await records.EraseAsync(person, cancellationToken).ConfigureAwait(false);
        if (!erased.LedgerSearchable)
        {
            notes.Add("No PersonFingerprintKey is configured: ledger rows carry no person fingerprint, so only email rows (by recipient) could be found.");
        }

        var cached = recipients.Forget(person.NormalizedAuth0UserId, person.NormalizedEmail);
        var (hubSpotState, hubSpotDetail, transient) = await DeleteInHubSpotAsync(person.NormalizedEmail, cancellationToken).ConfigureAwait(false);
        if (person.NormalizedEmail is null)
        {
            notes.Add("The email is not known: contact dates and the HubSpot contact could not be reached. Erase by the email too.");
        }

        var result = new ErasureResult(
            identifiedBy, fingerprint, erased.LedgerRows, erased.ContactDates, cached, hubSpotState, hubSpotDetail, erased.LedgerSearchable,
            Complete: hubSpotState == ErasureResult.HubSpotDeleted && erased.LedgerSearchable, notes) { HubSpotTransient = transient };
        var details = System.Text.Json.JsonSerializer.Serialize(result, Operations.OperationsJsonContext.Default.ErasureResult);
        await audit.RecordAsync(new OperationAudit(OperationActions.Erasure, admin.AuditName, time.GetUtcNow(), fingerprint ?? "(no fingerprint key)", details), cancellationToken)
            .ConfigureAwait(false);
        Log.PersonErased(logger, admin.AuditName, result.LedgerRows, result.ContactDates, cached, hubSpotState, fingerprint);
        return result;
    }

    private async Task<string?> EmailOfAsync(string userId, List<string> notes, CancellationToken cancellationToken)
    {
        if (!auth0.IsConfigured)
        {
            notes.Add("Auth0:BaseAddress is not configured: the user's email could not be read.");
            return null;
        }

        try
        {
            var user = await auth0.GetUserAsync(userId, cancellationToken).ConfigureAwait(false);
            if (user?.Email is null)
            {
                notes.Add("Auth0 has no such user (or no email for it).");
            }

            return user?.Email;
        }
        catch (Auth0UnavailableException ex)
        {
            notes.Add($"Auth0 could not be asked for the user's email: {ex.Message}");
            return null;
        }
    }

    private async Task<(string State, string? Detail, bool Transient)> DeleteInHubSpotAsync(string? email, CancellationToken cancellationToken)
    {
        if (email is null)
        {
            return (ErasureResult.HubSpotNotAsked, null, false);
        }

        var outcome = await hubSpot.DeleteContactAsync(email, cancellationToken).ConfigureAwait(false);
        return outcome.Kind == GdprDeleteOutcomeKind.Deleted
            ? (ErasureResult.HubSpotDeleted, null, false)
            : (ErasureResult.HubSpotFailed, PersonalData.RedactEmails(outcome.Error?.ToString() ?? "no answer"), outcome.Kind == GdprDeleteOutcomeKind.Transient);
    }
}
