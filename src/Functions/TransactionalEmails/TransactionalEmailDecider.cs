using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>
/// What one <c>transactional_email</c> should do: check it against its template, find the recipient, and ask for
/// exactly one single-send (the send id is derived from the event id) — or reject it, naming every problem.
/// </summary>
internal static class TransactionalEmailDecider
{
    public static async Task<Plan> DecideAsync(string eventId, TransactionalEmailData data, IEventFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(facts);
        if (string.IsNullOrWhiteSpace(data.TemplateName))
        {
            return new Reject(Reasons.MissingTemplateName.Because("The event has no template_name."));
        }

        var templateName = data.TemplateName.Trim();
        EmailTemplate? template;
        try
        {
            template = await facts.TemplateAsync(templateName, cancellationToken).ConfigureAwait(false);
        }
        catch (EmailTemplateInvalidException ex)
        {
            return new Reject(Reasons.TemplateMisconfigured.Because(ex.Message), templateName);
        }

        if (template is null)
        {
            return new Reject(Reasons.UnknownTemplate.Because($"No email template named '{Quote.Short(templateName)}' in the EmailTemplates table."), templateName);
        }

        if (EmailTemplateRules.Check(data, template) is { } misfit)
        {
            return new Reject(misfit, templateName);
        }

        var (recipient, unresolved) = await RecipientAsync(data, facts, cancellationToken).ConfigureAwait(false);
        if (recipient is null)
        {
            return unresolved is Reject reject ? reject with { Template = templateName } : unresolved!;
        }

        var email = new SingleSendEmail(
            template.HubSpotEmailId,
            recipient,
            SendIds.For(eventId),
            template.From,
            template.ReplyTo,
            template.Cc,
            template.Bcc,
            data.ContactProperties ?? [],
            data.CustomProperties ?? []);
        return new SendEmail(email, templateName, PersonalData.Fingerprint(recipient));
    }

    /// <summary>The recipient's address, normalised; or the plan when there is none.</summary>
    private static async Task<(string? Email, Plan? Unresolved)> RecipientAsync(TransactionalEmailData data, IEventFacts facts, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(data.ToRecipientEmail))
        {
            return EmailAddress.TryNormalize(data.ToRecipientEmail, out var given)
                ? (given, null)
                : (null, new Reject(Reasons.InvalidRecipientEmail.Because("to_recipient_email is not a valid email address.")));
        }

        if (string.IsNullOrWhiteSpace(data.ToRecipientId))
        {
            return (null, new Reject(Reasons.MissingRecipient.Because("The event has neither to_recipient_email nor to_recipient_id.")));
        }

        if (!facts.CanReadUsers)
        {
            return (null, new Reject(Reasons.RecipientUnresolvable.Because("to_recipient_id needs the Auth0 Management API, and Auth0:BaseAddress is not configured.")));
        }

        var user = await facts.UserAsync(data.ToRecipientId.Trim(), cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            return (null, new Reject(Reasons.RecipientUnknown.Because($"Auth0 has no user '{Quote.Short(data.ToRecipientId)}'.")));
        }

        if (string.IsNullOrWhiteSpace(user.Email))
        {
            return (null, new Reject(Reasons.RecipientWithoutEmail.Because($"Auth0 user '{Quote.Short(data.ToRecipientId)}' has no email address.")));
        }

        return EmailAddress.TryNormalize(user.Email, out var resolved)
            ? (resolved, null)
            : (null, new Reject(Reasons.InvalidRecipientEmail.Because($"The email of Auth0 user '{Quote.Short(data.ToRecipientId)}' is not a valid address.")));
    }
}
