using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Functions.PlatformEvents;

namespace Crm.Integration.Functions.TaskSignups;

/// <summary>
/// What one <c>task_signup</c> should do: find the contact (by <c>crm_id</c>, else by the event's email, else by the
/// email of the Auth0 user) and record the signup as the <c>Lookups</c> settings say — a custom event occurrence, or
/// contact properties guarded by "latest signup wins". A contact not in HubSpot yet is waited for: retry later, a
/// bounded number of deliveries, then rejected.
/// </summary>
internal static class TaskSignupDecider
{
    /// <param name="attempt">The delivery count the ledger holds for this signup.</param>
    public static async Task<Plan> DecideAsync(
        PlatformEvent platformEvent, TaskSignupData data, int attempt, PlatformEventsOptions options, IEventFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(facts);
        if (!TryCreated(data, platformEvent, out var created))
        {
            return new Reject(Reasons.MalformedEvent.Because($"created '{Quote.Short(data.Created)}' is not a date and time (ISO 8601), and the envelope has no time either."));
        }

        var settings = await facts.TaskSignupSettingsAsync(cancellationToken).ConfigureAwait(false);
        if (settings.Problem is { } misconfigured)
        {
            return new Reject(Reasons.TaskSignupMisconfigured.Because(misconfigured));
        }

        var (key, noKey) = await ContactKeyAsync(data, facts, cancellationToken).ConfigureAwait(false);
        if (noKey is not null)
        {
            return noKey;
        }

        var contact = await facts.ContactAsync(key!, cancellationToken).ConfigureAwait(false);
        switch (contact.Kind)
        {
            case ContactLookupKind.NotFound when attempt >= options.ContactWaitAttempts:
                return new Reject(Reasons.ContactNotFound.Because($"No HubSpot contact for this signup after {attempt} deliveries; its signup never arrived."));
            case ContactLookupKind.NotFound:
                // Tried again at once, every delivery would be spent within milliseconds: wait, so that the contact's
                // own signup can land first.
                return new RetryLater(options.ContactWaitDelay, Reasons.ContactNotFoundYet.Because(
                    $"No HubSpot contact for this signup yet (delivery {attempt} of {options.ContactWaitAttempts})."));
            case ContactLookupKind.Transient:
                return new RetryLater(TimeSpan.Zero, Reasons.HubSpotUnavailable.Because($"The contact could not be looked up now: {contact.Error}"));
            case ContactLookupKind.Permanent:
                return new Reject(Reasons.HubSpotRejected.Because($"HubSpot refused to look up the {key}: {contact.Error}"));
        }

        return settings.Mode == TaskSignupMode.CustomEvent
            ? new RecordCustomEvent(new CustomEventOccurrence(settings.EventName!, contact.ContactId!, created, OccurrenceId(data.Id!), Properties(data)))
            : Properties(settings, contact, data, created);
    }

    private static async Task<(ContactKey? Key, Plan? NoKey)> ContactKeyAsync(TaskSignupData data, IEventFacts facts, CancellationToken cancellationToken)
    {
        if (data.ExtraData?.CrmId is { Length: > 0 } crmId)
        {
            return (ContactKey.ById(crmId), null);
        }

        if (!string.IsNullOrWhiteSpace(data.Email))
        {
            return EmailAddress.TryNormalize(data.Email, out var email)
                ? (ContactKey.ByEmail(email), null)
                : (null, new Reject(Reasons.InvalidEmail.Because("The event's email is not a valid email address.")));
        }

        if (data.UserId is { Length: > 0 } userId && facts.CanReadUsers)
        {
            var user = await facts.UserAsync(userId, cancellationToken).ConfigureAwait(false);
            return EmailAddress.TryNormalize(user?.Email, out var email)
                ? (ContactKey.ByEmail(email), null)
                : (null, new Reject(Reasons.NoContactKey.Because($"No crm_id, no email, and Auth0 {(user is null ? "has no user" : "has no valid email for user")} '{Quote.Short(userId)}'.")));
        }

        return (null, new Reject(Reasons.NoContactKey.Because("The event has no extra_data.crm_id and no email, and its user_id cannot be resolved (Auth0 not configured or no user_id).")));
    }

    private static Plan Properties(TaskSignupSettings names, ContactLookup contact, TaskSignupData data, DateTimeOffset created)
    {
        if (!EmailAddress.TryNormalize(contact.Email, out var email))
        {
            return new Reject(Reasons.ContactWithoutEmail.Because($"HubSpot contact {contact.ContactId} has no valid email, and contact properties are written by email."));
        }

        var at = created.ToUnixTimeMilliseconds();
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [names.LastTaskSignupDate] = at.ToString(CultureInfo.InvariantCulture),
            [names.LastTaskName] = data.ExtraData?.TaskName ?? "",
            [names.LastTaskProjectName] = data.ExtraData?.ProjectName ?? "",
        };
        var change = new ContactChange(email, properties, new HashSet<string>(StringComparer.Ordinal) { names.LastTaskSignupDate });
        // The later signup's own write carries its task name: putting only its date back would pair it with this one's.
        return new UpsertContact(change, new DateGuard(ContactDate.LastTaskSignup, at, PutBackLater: false), contact.ContactId);
    }

    private static Dictionary<string, string> Properties(TaskSignupData data)
    {
        var details = data.ExtraData;
        return new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["user_task_id"] = data.Id,
            ["project_id"] = details?.ProjectId,
            ["project_name"] = details?.ProjectName,
            ["task_id"] = details?.TaskId,
            ["task_name"] = details?.TaskName,
            ["task_type_id"] = details?.TaskTypeId,
            ["task_type_name"] = details?.TaskTypeName,
        }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
    }

    private static bool TryCreated(TaskSignupData data, PlatformEvent platformEvent, out DateTimeOffset created)
    {
        if (!string.IsNullOrWhiteSpace(data.Created))
        {
            return DateTimeOffset.TryParse(data.Created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out created);
        }

        created = platformEvent.Time ?? default;
        return platformEvent.Time is not null;
    }

    /// <summary>The same signup always names the same occurrence, so that HubSpot can recognise a repeat.</summary>
    internal static Guid OccurrenceId(string userTaskId)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("task-signup:" + userTaskId)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: application-defined (RFC 9562)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
