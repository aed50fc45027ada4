using System.Text.Json;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TransactionalEmails;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TemplatesAdmin;

public enum TemplateEditStatus
{
    Saved,
    Invalid,
    AlreadyExists,
    NotFound,
    Stale,

    /// <summary>The HubSpot email id could not be checked now (HubSpot did not answer): nothing written, try again.</summary>
    Unchecked,
}

/// <param name="Errors">Field errors by JSON path when <see cref="TemplateEditStatus.Invalid"/>.</param>
internal sealed record TemplateEdit(TemplateEditStatus Status, EmailTemplate? Template = null, string? Version = null, Dictionary<string, string[]>? Errors = null, string? Detail = null);

/// <summary>
/// An admin's change to a template, decided here and free of HTTP: validate every field, optionally ask HubSpot
/// whether the email exists, stamp who and when, write conditionally on the version the admin read (the store adds
/// the audit entry in the same transaction), and let this host's email handler see the change at once.
/// </summary>
internal sealed class TemplateEditor(
    IEmailTemplateAdmin templates,
    IHubSpotMarketingEmails hubSpotEmails,
    EmailTemplateCatalog catalog,
    IOptions<AdminApiOptions> options,
    TimeProvider time,
    ILogger<TemplateEditor> logger)
{
    public Task<TemplateEdit> CreateAsync(JsonElement body, AdminIdentity admin, CancellationToken cancellationToken) =>
        WriteAsync(body, null, null, admin, cancellationToken);

    public Task<TemplateEdit> ReplaceAsync(string name, JsonElement body, string expectedVersion, AdminIdentity admin, CancellationToken cancellationToken) =>
        WriteAsync(body, name, expectedVersion, admin, cancellationToken);

    public async Task<TemplateEdit> DeleteAsync(string name, string expectedVersion, AdminIdentity admin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(admin);
        var result = await templates.DeleteAsync(name, expectedVersion, admin.AuditName, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return Completed(name, TemplateChangeActions.Deleted, result, null, admin);
    }

    private async Task<TemplateEdit> WriteAsync(JsonElement body, string? nameInPath, string? expectedVersion, AdminIdentity admin, CancellationToken cancellationToken)
    {
        var read = TemplateDocumentReader.Read(body, nameInPath, out var errors);
        if (read is null)
        {
            return new TemplateEdit(TemplateEditStatus.Invalid, Errors: errors);
        }

        if (options.Value.CheckHubSpotEmailIds)
        {
            var lookup = await hubSpotEmails.FindAsync(read.HubSpotEmailId, cancellationToken).ConfigureAwait(false);
            if (lookup.Kind == MarketingEmailLookupKind.NotFound)
            {
                return new TemplateEdit(TemplateEditStatus.Invalid, Errors: new() { [TemplateFields.HubSpotEmailId] = [$"HubSpot has no email with id {read.HubSpotEmailId}."] });
            }

            if (lookup.Kind == MarketingEmailLookupKind.Unknown)
            {
                var reason = lookup.Error?.Message ?? "no answer";
                Log.TemplateEmailIdUnchecked(logger, read.Name, read.HubSpotEmailId, reason);
                return new TemplateEdit(TemplateEditStatus.Unchecked, Detail: $"HubSpot could not be asked whether email {read.HubSpotEmailId} exists ({reason}). Nothing was saved; try again shortly.");
            }
        }

        var template = read with { ChangedBy = admin.AuditName, ChangedAt = time.GetUtcNow() };
        var result = expectedVersion is null
            ? await templates.CreateAsync(template, cancellationToken).ConfigureAwait(false)
            : await templates.ReplaceAsync(template, expectedVersion, cancellationToken).ConfigureAwait(false);
        return Completed(template.Name, expectedVersion is null ? TemplateChangeActions.Created : TemplateChangeActions.Replaced, result, template, admin);
    }

    private TemplateEdit Completed(string name, string action, TemplateWriteResult result, EmailTemplate? template, AdminIdentity admin)
    {
        if (result.Status != TemplateWriteStatus.Saved)
        {
            return new TemplateEdit(result.Status switch
            {
                TemplateWriteStatus.AlreadyExists => TemplateEditStatus.AlreadyExists,
                TemplateWriteStatus.NotFound => TemplateEditStatus.NotFound,
                _ => TemplateEditStatus.Stale,
            });
        }

        catalog.Forget(name);
        Log.TemplateChanged(logger, name, action, admin.Subject);
        return new TemplateEdit(TemplateEditStatus.Saved, template, result.Version);
    }
}
