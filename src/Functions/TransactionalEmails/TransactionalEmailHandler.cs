using System.Text.Json;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.PlatformEvents;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>
/// Handles one <c>transactional_email</c> event: checks it against its template, finds the recipient, and asks HubSpot
/// for exactly one single-send (the send id is derived from the event id). The message is settled once HubSpot has
/// accepted the send; the final result is followed by <see cref="SendStatusWatcher"/>. Every event leaves a row in the
/// ledger (channel <see cref="Channel"/>): template, recipient fingerprint, status id, result — the send log.
/// </summary>
internal sealed class TransactionalEmailHandler(
    INotificationLedger ledger,
    EmailTemplateCatalog templates,
    Recipients recipients,
    ITransactionalEmail email,
    SendStatusWatcher watcher,
    TimeProvider time,
    ILogger<TransactionalEmailHandler> logger)
{
    public const string Channel = "email";
    public const string NotificationType = "transactional-email";

    public async Task<HandlerOutcome> HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        var receipt = new NotificationReceipt(platformEvent.Id, Channel, NotificationType, time.GetUtcNow());
        TransactionalEmailData? data;
        try
        {
            data = platformEvent.Data.Deserialize(FunctionsJsonContext.Default.TransactionalEmailData);
        }
        catch (JsonException ex)
        {
            var rejection = HandlerOutcome.Permanent("MalformedEvent", $"The transactional_email data does not have the expected shape: {ex.Message}");
            await ledger.RecordRejectedAsync(receipt, LedgerOutcomes.Describe(rejection), cancellationToken).ConfigureAwait(false);
            return rejection;
        }

        var about = receipt with { Person = PersonIds.Of(data?.ToRecipientEmail, data?.ToRecipientId) };
        var once = await LedgerOnce.HandleAsync(ledger, about, _ => SendAsync(platformEvent.Id, data!, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (once.Outcome is not { } outcome)
        {
            Log.PlatformEventDuplicate(logger, platformEvent.Id, platformEvent.Type, once.DuplicatesSeen);
            return once.Verdict;
        }

        if (outcome.Status == NotificationStatus.Delivered && outcome.Result is "PENDING" or "PROCESSING" && outcome.HubSpotId is { } statusId)
        {
            watcher.Watch(platformEvent.Id, statusId);
        }

        Log.PlatformEventHandled(logger, platformEvent.Id, platformEvent.Type, outcome.Status, once.Verdict.Reason);
        return once.Verdict;
    }

    private async Task<(NotificationOutcome, HandlerOutcome)> SendAsync(string eventId, TransactionalEmailData data, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(data.TemplateName))
        {
            return Rejected(null, null, HandlerOutcome.Permanent("MissingTemplateName", "The event has no template_name."));
        }

        var templateName = data.TemplateName.Trim();
        EmailTemplate? template;
        try
        {
            template = await templates.GetAsync(templateName, cancellationToken).ConfigureAwait(false);
        }
        catch (EmailTemplateInvalidException ex)
        {
            return Rejected(templateName, null, HandlerOutcome.Permanent("TemplateMisconfigured", ex.Message));
        }

        if (template is null)
        {
            return Rejected(templateName, null, HandlerOutcome.Permanent("UnknownTemplate", $"No email template named '{Quote.Short(templateName)}' in the EmailTemplates table."));
        }

        if (EmailTemplateRules.Check(data, template) is { } misfit)
        {
            return Rejected(templateName, null, misfit);
        }

        var (recipient, unresolved) = await RecipientAsync(data, cancellationToken).ConfigureAwait(false);
        if (recipient is null)
        {
            var failed = unresolved!.Value;
            return failed.Kind == OutcomeKind.Transient
                ? (new NotificationOutcome(NotificationStatus.Failed, LedgerOutcomes.Describe(failed), Template: templateName), failed)
                : Rejected(templateName, null, failed);
        }

        var fingerprint = PersonalData.Fingerprint(recipient);
        var person = new PersonIds(recipient, data.ToRecipientId);
        var answer = await email.SendAsync(
            new SingleSendEmail(
                template.HubSpotEmailId,
                recipient,
                SendIds.For(eventId),
                template.From,
                template.ReplyTo,
                template.Cc,
                template.Bcc,
                data.ContactProperties ?? [],
                data.CustomProperties ?? []),
            cancellationToken).ConfigureAwait(false);
        switch (answer.Kind)
        {
            case SendOutcomeKind.Answered:
                var (outcome, verdict) = SendVerdicts.Of(answer.Status!);
                return (outcome with { Template = templateName, Recipient = fingerprint, Person = person }, verdict);
            case SendOutcomeKind.Transient:
                var transient = HandlerOutcome.Transient("HubSpotUnavailable", $"HubSpot did not take the send now: {answer.Error}");
                return (new NotificationOutcome(NotificationStatus.Failed, LedgerOutcomes.Describe(transient), Template: templateName, Recipient: fingerprint, Person: person), transient);
            default:
                var (refused, refusal) = Rejected(templateName, fingerprint, HandlerOutcome.Permanent("HubSpotRejected", $"HubSpot refused the send: {answer.Error}"));
                return (refused with { Person = person }, refusal);
        }
    }

    /// <summary>The recipient's address, normalised; or why there is none.</summary>
    private async Task<(string? Email, HandlerOutcome? Unresolved)> RecipientAsync(TransactionalEmailData data, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(data.ToRecipientEmail))
        {
            return EmailAddress.TryNormalize(data.ToRecipientEmail, out var given)
                ? (given, null)
                : (null, HandlerOutcome.Permanent("InvalidRecipientEmail", "to_recipient_email is not a valid email address."));
        }

        if (string.IsNullOrWhiteSpace(data.ToRecipientId))
        {
            return (null, HandlerOutcome.Permanent("MissingRecipient", "The event has neither to_recipient_email nor to_recipient_id."));
        }

        if (!recipients.CanResolve)
        {
            return (null, HandlerOutcome.Permanent("RecipientUnresolvable", "to_recipient_id needs the Auth0 Management API, and Auth0:BaseAddress is not configured."));
        }

        Auth0User? user;
        try
        {
            user = await recipients.FindAsync(data.ToRecipientId.Trim(), cancellationToken).ConfigureAwait(false);
        }
        catch (Auth0UnavailableException ex)
        {
            return (null, HandlerOutcome.Transient("Auth0Unavailable", ex.Message));
        }

        if (user is null)
        {
            return (null, HandlerOutcome.Permanent("RecipientUnknown", $"Auth0 has no user '{Quote.Short(data.ToRecipientId)}'."));
        }

        if (string.IsNullOrWhiteSpace(user.Email))
        {
            return (null, HandlerOutcome.Permanent("RecipientWithoutEmail", $"Auth0 user '{Quote.Short(data.ToRecipientId)}' has no email address."));
        }

        return EmailAddress.TryNormalize(user.Email, out var resolved)
            ? (resolved, null)
            : (null, HandlerOutcome.Permanent("InvalidRecipientEmail", $"The email of Auth0 user '{Quote.Short(data.ToRecipientId)}' is not a valid address."));
    }

    private static (NotificationOutcome, HandlerOutcome) Rejected(string? template, string? recipient, HandlerOutcome rejection) =>
        (LedgerOutcomes.Rejected(rejection).Outcome with { Template = template, Recipient = recipient }, rejection);

}
