using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.PlatformEvents;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TaskSignups;

/// <summary>
/// Handles one <c>task_signup</c> event: finds the contact (by <c>crm_id</c>, else by email from the event or the
/// Auth0 profile) and records the signup as the <c>Lookups</c> settings say — a custom event occurrence, or contact
/// properties that never move back to an older signup. The ledger row is keyed by the user-task id (channel
/// <see cref="Channel"/>), so a repeat of the same signup under another event id is a no-op. A contact not in HubSpot
/// yet is waited for, a bounded number of deliveries.
/// </summary>
internal sealed class TaskSignupHandler(
    INotificationLedger ledger,
    LookupSettings<TaskSignupSettings> settings,
    IHubSpotContacts contacts,
    IHubSpotCustomEvents customEvents,
    ContactBatcher batcher,
    IContactDates contactDates,
    Recipients recipients,
    IOptions<PlatformEventsOptions> options,
    TimeProvider time,
    ILogger<TaskSignupHandler> logger)
{
    public const string Channel = "task-signup";
    public const string NotificationType = "task-signup";

    public async Task<HandlerOutcome> HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        TaskSignupData? data = null;
        string? shapeProblem = null;
        try
        {
            data = platformEvent.Data.Deserialize(FunctionsJsonContext.Default.TaskSignupData);
        }
        catch (JsonException ex)
        {
            shapeProblem = $"The task_signup data does not have the expected shape: {ex.Message}";
        }

        if (data?.Id is not { Length: > 0 } userTaskId)
        {
            var rejection = HandlerOutcome.Permanent(shapeProblem is null ? "MissingTaskSignupId" : "MalformedEvent", shapeProblem ?? "The task_signup data has no id (the user-task id).");
            await ledger.RecordRejectedAsync(Receipt(platformEvent.Id), LedgerOutcomes.Describe(rejection), cancellationToken).ConfigureAwait(false);
            return rejection;
        }

        var once = await LedgerOnce.HandleAsync(
            ledger, Receipt(userTaskId) with { Person = PersonIds.Of(data.Email, data.UserId) }, attempt => RecordAsync(platformEvent, data, attempt, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (once.Outcome is { } outcome)
        {
            Log.PlatformEventHandled(logger, platformEvent.Id, platformEvent.Type, outcome.Status, once.Verdict.Reason);
        }
        else
        {
            Log.PlatformEventDuplicate(logger, platformEvent.Id, platformEvent.Type, once.DuplicatesSeen);
        }

        return once.Verdict;
    }

    private async Task<(NotificationOutcome, HandlerOutcome)> RecordAsync(PlatformEvent platformEvent, TaskSignupData data, int attempt, CancellationToken cancellationToken)
    {
        if (!TryCreated(data, platformEvent, out var created))
        {
            return Rejected(HandlerOutcome.Permanent("MalformedEvent", $"created '{Quote.Short(data.Created)}' is not a date and time (ISO 8601), and the envelope has no time either."));
        }

        var mode = await settings.GetAsync(cancellationToken).ConfigureAwait(false);
        if (mode.Problem is { } misconfigured)
        {
            return Rejected(HandlerOutcome.Permanent("TaskSignupMisconfigured", misconfigured));
        }

        var (contact, unfound) = await FindContactAsync(data, cancellationToken).ConfigureAwait(false);
        if (unfound is { } problem)
        {
            return problem.Kind == OutcomeKind.Permanent ? Rejected(problem) : Failed(problem);
        }

        if (contact is null)
        {
            if (attempt >= options.Value.ContactWaitAttempts)
            {
                return Rejected(HandlerOutcome.Permanent("ContactNotFound", $"No HubSpot contact for this signup after {attempt} deliveries; its signup never arrived."));
            }

            // Abandoning at once would spend every delivery within milliseconds: hold the message a while, so that the
            // contact's own signup can land first.
            await Task.Delay(options.Value.ContactWaitDelay, time, cancellationToken).ConfigureAwait(false);
            return Failed(HandlerOutcome.Transient("ContactNotFound", $"No HubSpot contact for this signup yet (delivery {attempt} of {options.Value.ContactWaitAttempts})."));
        }

        return mode.Mode == TaskSignupMode.CustomEvent
            ? await SendCustomEventAsync(mode.EventName!, contact, data, created, cancellationToken).ConfigureAwait(false)
            : await WritePropertiesAsync(mode, contact, data, created, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The contact, null when HubSpot has none (yet), or why it cannot be looked for.</summary>
    private async Task<(ContactLookup? Contact, HandlerOutcome? Problem)> FindContactAsync(TaskSignupData data, CancellationToken cancellationToken)
    {
        ContactKey key;
        if (data.ExtraData?.CrmId is { Length: > 0 } crmId)
        {
            key = ContactKey.ById(crmId);
        }
        else if (!string.IsNullOrWhiteSpace(data.Email))
        {
            if (!EmailAddress.TryNormalize(data.Email, out var email))
            {
                return (null, HandlerOutcome.Permanent("InvalidEmail", "The event's email is not a valid email address."));
            }

            key = ContactKey.ByEmail(email);
        }
        else if (data.UserId is { Length: > 0 } userId && recipients.CanResolve)
        {
            Auth0User? user;
            try
            {
                user = await recipients.FindAsync(userId, cancellationToken).ConfigureAwait(false);
            }
            catch (Auth0UnavailableException ex)
            {
                return (null, HandlerOutcome.Transient("Auth0Unavailable", ex.Message));
            }

            if (!EmailAddress.TryNormalize(user?.Email, out var email))
            {
                return (null, HandlerOutcome.Permanent("NoContactKey", $"No crm_id, no email, and Auth0 {(user is null ? "has no user" : "has no valid email for user")} '{Quote.Short(userId)}'."));
            }

            key = ContactKey.ByEmail(email);
        }
        else
        {
            return (null, HandlerOutcome.Permanent("NoContactKey", "The event has no extra_data.crm_id and no email, and its user_id cannot be resolved (Auth0 not configured or no user_id)."));
        }

        var found = await contacts.FindAsync(key, cancellationToken).ConfigureAwait(false);
        return found.Kind switch
        {
            ContactLookupKind.Found => (found, null),
            ContactLookupKind.NotFound => (null, null),
            ContactLookupKind.Transient => (null, HandlerOutcome.Transient("HubSpotUnavailable", $"The contact could not be looked up now: {found.Error}")),
            _ => (null, HandlerOutcome.Permanent("HubSpotRejected", $"HubSpot refused to look up the {key}: {found.Error}")),
        };
    }

    private async Task<(NotificationOutcome, HandlerOutcome)> SendCustomEventAsync(
        string eventName, ContactLookup contact, TaskSignupData data, DateTimeOffset created, CancellationToken cancellationToken)
    {
        var details = data.ExtraData;
        var properties = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["user_task_id"] = data.Id,
            ["project_id"] = details?.ProjectId,
            ["project_name"] = details?.ProjectName,
            ["task_id"] = details?.TaskId,
            ["task_name"] = details?.TaskName,
            ["task_type_id"] = details?.TaskTypeId,
            ["task_type_name"] = details?.TaskTypeName,
        }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!, StringComparer.Ordinal);
        var sent = await customEvents.SendAsync(
            new CustomEventOccurrence(eventName, contact.ContactId!, created, OccurrenceId(data.Id!), properties), cancellationToken).ConfigureAwait(false);
        return sent.Kind switch
        {
            CustomEventOutcomeKind.Recorded => (new NotificationOutcome(NotificationStatus.Delivered, null, contact.ContactId), HandlerOutcome.Success),
            CustomEventOutcomeKind.ContactNotFound => Failed(HandlerOutcome.Transient("ContactNotFound", $"HubSpot no longer finds contact {contact.ContactId}: {sent.Error}")),
            CustomEventOutcomeKind.Transient => Failed(HandlerOutcome.Transient("HubSpotUnavailable", $"HubSpot did not take the event now: {sent.Error}")),
            _ => Rejected(HandlerOutcome.Permanent("HubSpotRejected", $"HubSpot refused the custom event: {sent.Error}")),
        };
    }

    private async Task<(NotificationOutcome, HandlerOutcome)> WritePropertiesAsync(
        TaskSignupSettings names, ContactLookup contact, TaskSignupData data, DateTimeOffset created, CancellationToken cancellationToken)
    {
        if (!EmailAddress.TryNormalize(contact.Email, out var email))
        {
            return Rejected(HandlerOutcome.Permanent("ContactWithoutEmail", $"HubSpot contact {contact.ContactId} has no valid email, and contact properties are written by email."));
        }

        var at = created.ToUnixTimeMilliseconds();
        // Claimed before the write, so that an older signup handled after a later one writes nothing.
        if (await contactDates.AdvanceAsync(email, ContactDate.LastTaskSignup, at, cancellationToken).ConfigureAwait(false) > at)
        {
            return (new NotificationOutcome(NotificationStatus.Delivered, "Not written: a later task signup is already on the contact.", contact.ContactId), HandlerOutcome.Success);
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [names.LastTaskSignupDate] = at.ToString(CultureInfo.InvariantCulture),
            [names.LastTaskName] = data.ExtraData?.TaskName ?? "",
            [names.LastTaskProjectName] = data.ExtraData?.ProjectName ?? "",
        };
        var written = await batcher.UpsertAsync(
            new ContactChange(email, properties, new HashSet<string>(StringComparer.Ordinal) { names.LastTaskSignupDate }), cancellationToken).ConfigureAwait(false);
        switch (written.Kind)
        {
            case UpsertOutcomeKind.Succeeded:
                return (new NotificationOutcome(NotificationStatus.Delivered, null, written.ContactId ?? contact.ContactId), HandlerOutcome.Success);
            case UpsertOutcomeKind.Permanent:
                return Rejected(HandlerOutcome.Permanent("HubSpotRejected", written.Error?.ToString() ?? "HubSpot rejected the contact."));
            default:
                return Failed(HandlerOutcome.Transient("HubSpotUnavailable", written.Error?.ToString() ?? "HubSpot did not take the contact now."));
        }
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

    private NotificationReceipt Receipt(string sourceId) => new(sourceId, Channel, NotificationType, time.GetUtcNow());

    private static (NotificationOutcome, HandlerOutcome) Rejected(HandlerOutcome rejection) => LedgerOutcomes.Rejected(rejection);

    private static (NotificationOutcome, HandlerOutcome) Failed(HandlerOutcome transient) => LedgerOutcomes.Failed(transient);

}
