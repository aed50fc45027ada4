using System.Text.Json.Serialization;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>A template as the admin API shows it: the table row's fields, in the snake_case of the event contracts.</summary>
internal sealed record TemplateDocument(
    string Name,
    [property: JsonPropertyName(TemplateFields.HubSpotEmailId)] long HubSpotEmailId,
    string? From,
    IReadOnlyList<string> ReplyTo,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    IReadOnlyList<PropertyDocument> ContactProperties,
    IReadOnlyList<PropertyDocument> CustomProperties,
    string? Description,
    string? LastChangedBy,
    DateTimeOffset? LastChangedAt)
{
    public static TemplateDocument Of(EmailTemplate template) => new(
        template.Name,
        template.HubSpotEmailId,
        template.From,
        template.ReplyTo,
        template.Cc,
        template.Bcc,
        template.ContactProperties.Select(p => new PropertyDocument(p.Name, p.Required)).ToList(),
        template.CustomProperties.Select(p => new PropertyDocument(p.Name, p.Required)).ToList(),
        template.Description,
        template.ChangedBy,
        template.ChangedAt);
}

internal sealed record PropertyDocument(string Name, bool Required);

/// <summary>A template with the version a write must name in <c>If-Match</c> (also sent as the <c>ETag</c> header).</summary>
internal sealed record TemplateListItem(TemplateDocument Template, string Etag);

internal sealed record TemplateListDocument(IReadOnlyList<TemplateListItem> Items, string? ContinuationToken);

internal sealed record TemplateChangeDocument(string Action, string ChangedBy, DateTimeOffset ChangedAt, TemplateDocument? Before, TemplateDocument? After)
{
    public static TemplateChangeDocument Of(TemplateChange change) => new(
        change.Action,
        change.ChangedBy,
        change.ChangedAt,
        change.Before is null ? null : TemplateDocument.Of(change.Before),
        change.After is null ? null : TemplateDocument.Of(change.After));
}

internal sealed record TemplateHistoryDocument(string Name, IReadOnlyList<TemplateChangeDocument> Items, string? ContinuationToken);
