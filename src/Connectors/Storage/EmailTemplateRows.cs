using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Azure.Data.Tables;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// How templates and their audit entries sit in the <c>EmailTemplates</c> table: one partition per template name,
/// holding the mapping (row <see cref="MappingRow"/>) and its history (rows <see cref="HistoryPrefix"/>…, newest
/// first). Keeping both in one partition lets a change and its audit entry be one transaction. Lists are JSON arrays
/// in string columns, so that a row stays readable in Storage Explorer.
/// </summary>
internal static class EmailTemplateRows
{
    public const string MappingRow = "mapping";
    public const string HistoryPrefix = "history-";

    /// <summary>Sorts newest first: row keys ascend, so the key holds the time counted down from the end of time.</summary>
    public static string HistoryKey(DateTimeOffset at) =>
        HistoryPrefix + (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static string HistoryFilter(string name) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {name} and RowKey ge {HistoryPrefix} and RowKey lt {HistoryPrefix + "~"}");

    public static TableEntity Mapping(EmailTemplate template) => new(template.Name, MappingRow)
    {
        ["HubSpotEmailId"] = template.HubSpotEmailId,
        ["From"] = template.From,
        ["ReplyTo"] = Serialize(template.ReplyTo, TemplateJsonContext.Default.IReadOnlyListString),
        ["Cc"] = Serialize(template.Cc, TemplateJsonContext.Default.IReadOnlyListString),
        ["Bcc"] = Serialize(template.Bcc, TemplateJsonContext.Default.IReadOnlyListString),
        ["ContactProperties"] = Serialize(template.ContactProperties, TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
        ["CustomProperties"] = Serialize(template.CustomProperties, TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
        ["Description"] = template.Description,
        ["ChangedBy"] = template.ChangedBy,
        ["ChangedAt"] = template.ChangedAt,
    };

    public static TableEntity History(string name, TemplateChange change) => new(name, HistoryKey(change.ChangedAt))
    {
        ["Action"] = change.Action,
        ["ChangedBy"] = change.ChangedBy,
        ["ChangedAt"] = change.ChangedAt,
        ["Before"] = change.Before is null ? null : Serialize(change.Before, TemplateJsonContext.Default.EmailTemplate),
        ["After"] = change.After is null ? null : Serialize(change.After, TemplateJsonContext.Default.EmailTemplate),
    };

    /// <summary>Throws <see cref="EmailTemplateInvalidException"/> naming the column that cannot be read.</summary>
    public static EmailTemplate ToTemplate(TableEntity row)
    {
        var name = row.PartitionKey;
        var emailId = row.TryGetValue("HubSpotEmailId", out var id) ? id switch
        {
            long l => l,
            int i => i,
            string s when long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        } : 0;
        if (emailId <= 0)
        {
            throw new EmailTemplateInvalidException($"Email template '{name}': HubSpotEmailId is missing or not a positive number.");
        }

        return new EmailTemplate(
            name,
            emailId,
            NullIfEmpty(row.GetString("From")),
            List(row, "ReplyTo", TemplateJsonContext.Default.IReadOnlyListString),
            List(row, "Cc", TemplateJsonContext.Default.IReadOnlyListString),
            List(row, "Bcc", TemplateJsonContext.Default.IReadOnlyListString),
            List(row, "ContactProperties", TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
            List(row, "CustomProperties", TemplateJsonContext.Default.IReadOnlyListTemplateProperty),
            NullIfEmpty(row.GetString("Description")),
            NullIfEmpty(row.GetString("ChangedBy")),
            row.GetDateTimeOffset("ChangedAt"));
    }

    public static TemplateChange ToChange(TableEntity row) => new(
        row.GetString("Action") ?? "",
        row.GetString("ChangedBy") ?? "",
        row.GetDateTimeOffset("ChangedAt") ?? DateTimeOffset.MinValue,
        Snapshot(row, "Before"),
        Snapshot(row, "After"));

    private static EmailTemplate? Snapshot(TableEntity row, string column)
    {
        if (row.GetString(column) is not { Length: > 0 } json)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, TemplateJsonContext.Default.EmailTemplate);
        }
        catch (JsonException ex)
        {
            throw new EmailTemplateInvalidException($"Email template '{row.PartitionKey}': history entry {row.RowKey} column {column} is not a template ({ex.Message}).", ex);
        }
    }

    private static IReadOnlyList<T> List<T>(TableEntity row, string column, JsonTypeInfo<IReadOnlyList<T>> type)
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
            throw new EmailTemplateInvalidException($"Email template '{row.PartitionKey}': column {column} is not a JSON array of the expected shape ({ex.Message}).", ex);
        }
    }

    private static string Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(IReadOnlyList<TemplateProperty>))]
[JsonSerializable(typeof(EmailTemplate))]
internal sealed partial class TemplateJsonContext : JsonSerializerContext;
