using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// One partition (<see cref="Partition"/>), row key = template name. Lists are JSON arrays in string columns, so that
/// the row stays readable and editable in Storage Explorer.
/// </summary>
internal sealed class TableEmailTemplates(TableServiceClient service, IOptions<StorageOptions> options) : IEmailTemplates
{
    public const string Partition = "template";

    private readonly LazyTable _table = new(service, options.Value.EmailTemplatesTable);

    public async Task<EmailTemplate?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (!EmailTemplate.IsValidName(name))
        {
            return null; // no row can have such a key
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> response;
        try
        {
            response = await table.GetEntityIfExistsAsync<TableEntity>(Partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Email template '{name}' cannot be read ({ex.Status} {ex.ErrorCode}).", ex);
        }

        return response.HasValue ? FromRow(response.Value!) : null;
    }

    public async Task SaveAsync(EmailTemplate template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!EmailTemplate.IsValidName(template.Name))
        {
            throw new ArgumentException($"'{template.Name}' is not a valid template name.", nameof(template));
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await table.UpsertEntityAsync(ToRow(template), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Email template '{template.Name}' cannot be written ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    internal static TableEntity ToRow(EmailTemplate template) => new(Partition, template.Name)
    {
        ["HubSpotEmailId"] = template.HubSpotEmailId,
        ["From"] = template.From,
        ["ReplyTo"] = JsonSerializer.Serialize(template.ReplyTo, TemplateJsonContext.Default.IReadOnlyListString),
        ["Cc"] = JsonSerializer.Serialize(template.Cc, TemplateJsonContext.Default.IReadOnlyListString),
        ["Bcc"] = JsonSerializer.Serialize(template.Bcc, TemplateJsonContext.Default.IReadOnlyListString),
        ["ContactProperties"] = JsonSerializer.Serialize(template.ContactProperties, TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
        ["CustomProperties"] = JsonSerializer.Serialize(template.CustomProperties, TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
        ["Description"] = template.Description,
        ["ChangedBy"] = template.ChangedBy,
        ["ChangedAt"] = template.ChangedAt,
    };

    internal static EmailTemplate FromRow(TableEntity row)
    {
        var emailId = row.TryGetValue("HubSpotEmailId", out var id) ? id switch
        {
            long l => l,
            int i => i,
            string s when long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        } : 0;
        if (emailId <= 0)
        {
            throw new EmailTemplateInvalidException($"Email template '{row.RowKey}': HubSpotEmailId is missing or not a positive number.");
        }

        return new EmailTemplate(
            row.RowKey,
            emailId,
            NullIfEmpty(row.GetString("From")),
            List(row, "ReplyTo", TemplateJsonContext.Default.IReadOnlyListString),
            List(row, "Cc", TemplateJsonContext.Default.IReadOnlyListString),
            List(row, "Bcc", TemplateJsonContext.Default.IReadOnlyListString),
            List(row, "ContactProperties", TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
            List(row, "CustomProperties", TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
            row.GetString("Description"),
            row.GetString("ChangedBy"),
            row.GetDateTimeOffset("ChangedAt"));
    }

    private static IReadOnlyList<T> List<T>(TableEntity row, string column, System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<T>> type)
    {
        if (row.GetString(column) is not { Length: > 0 } json)
        {
            return [];
        }

        try
        {
            var list = JsonSerializer.Deserialize(json, type) ?? [];
            return list.Contains(default) ? throw new JsonException("null entry") : list;
        }
        catch (JsonException ex)
        {
            throw new EmailTemplateInvalidException($"Email template '{row.RowKey}': column {column} is not a JSON array of the expected shape ({ex.Message}).", ex);
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<TemplateProperty>))]
internal sealed partial class TemplateJsonContext : JsonSerializerContext;
