using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>
/// Reads a template an admin sent and checks every field, collecting every problem under the field's JSON path
/// (<c>reply_to[1]</c>, <c>contact_properties[0].name</c>), so that one answer names all there is to mend. Pure: the
/// check against HubSpot (does the email exist) is <see cref="TemplateEditor"/>'s.
/// </summary>
internal static partial class TemplateDocumentReader
{
    public const int MaxAddresses = 20;
    public const int MaxProperties = 100;
    public const int MaxDescriptionLength = 1000;

    private const string NameRule = "The name must be 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit (the template_name platform events carry).";

    private static readonly HashSet<string> ReadOnlyFields = [TemplateFields.LastChangedBy, TemplateFields.LastChangedAt];

    private static readonly HashSet<string> KnownFields =
    [
        TemplateFields.Name, TemplateFields.HubSpotEmailId, TemplateFields.From, TemplateFields.ReplyTo, TemplateFields.Cc,
        TemplateFields.Bcc, TemplateFields.ContactProperties, TemplateFields.CustomProperties, TemplateFields.Description,
    ];

    /// <summary>
    /// The template, or null with the field errors. <paramref name="nameInPath"/> is the name in the address of a
    /// replace: the body may leave the name out or repeat it, not change it.
    /// </summary>
    public static EmailTemplate? Read(JsonElement body, string? nameInPath, out Dictionary<string, string[]> errors)
    {
        var problems = new Problems();
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add("", "The body must be a JSON object with the template's fields.");
            errors = problems.ToDictionary();
            return null;
        }

        foreach (var field in body.EnumerateObject())
        {
            if (!KnownFields.Contains(field.Name) && !ReadOnlyFields.Contains(field.Name))
            {
                problems.Add(field.Name, $"'{field.Name}' is not a template field (known: {string.Join(", ", KnownFields)}).");
            }
        }

        var name = ReadName(body, nameInPath, problems);
        var emailId = ReadEmailId(body, problems);
        var from = ReadFrom(body, problems);
        var replyTo = ReadAddresses(body, TemplateFields.ReplyTo, problems);
        var cc = ReadAddresses(body, TemplateFields.Cc, problems);
        var bcc = ReadAddresses(body, TemplateFields.Bcc, problems);
        var contact = ReadProperties(body, TemplateFields.ContactProperties, ContactPropertyName(), "lower-case letters, digits and '_', starting with a letter (a HubSpot contact property's internal name)", problems);
        var custom = ReadProperties(body, TemplateFields.CustomProperties, CustomPropertyName(), "letters, digits and '_', starting with a letter or '_' (usable as {{ custom.NAME }} in the HubSpot email)", problems);
        CheckDeclaredOnce(contact, custom, problems);
        var description = ReadDescription(body, problems);

        errors = problems.ToDictionary();
        return errors.Count > 0
            ? null
            : new EmailTemplate(name!, emailId, from, replyTo, cc, bcc, contact.Select(p => p.Property).ToList(), custom.Select(p => p.Property).ToList(), description);
    }

    private static string? ReadName(JsonElement body, string? nameInPath, Problems problems)
    {
        if (!body.TryGetProperty(TemplateFields.Name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (nameInPath is null)
            {
                problems.Add(TemplateFields.Name, "A template name is required.");
            }
            else if (!EmailTemplate.IsValidName(nameInPath))
            {
                problems.Add(TemplateFields.Name, NameRule);
            }

            return nameInPath;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(TemplateFields.Name, "The name must be a string.");
            return null;
        }

        var name = value.GetString()!;
        if (nameInPath is not null && !string.Equals(name, nameInPath, StringComparison.Ordinal))
        {
            problems.Add(TemplateFields.Name, $"The name cannot be changed here ('{nameInPath}' in the address, '{name}' in the body); create the new name and delete the old one.");
        }
        else if (!EmailTemplate.IsValidName(name))
        {
            problems.Add(TemplateFields.Name, NameRule);
        }

        return name;
    }

    private static long ReadEmailId(JsonElement body, Problems problems)
    {
        const string Rule = "The HubSpot email id must be a positive whole number (the id in the transactional email's address in HubSpot).";
        if (!body.TryGetProperty(TemplateFields.HubSpotEmailId, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            problems.Add(TemplateFields.HubSpotEmailId, "The HubSpot email id is required.");
            return 0;
        }

        var id = value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var number) => number,
            JsonValueKind.String when long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => 0,
        };
        if (id <= 0)
        {
            problems.Add(TemplateFields.HubSpotEmailId, Rule);
        }

        return id;
    }

    private static string? ReadFrom(JsonElement body, Problems problems)
    {
        if (!TryGetText(body, TemplateFields.From, problems, out var from) || from is null)
        {
            return null;
        }

        // HubSpot takes "Name <address>" as well as a bare address.
        if (!MailAddress.TryCreate(from, out var parsed) || !EmailAddress.TryNormalize(parsed.Address, out _))
        {
            problems.Add(TemplateFields.From, $"'{from}' is not an email address (write 'hello@example.com' or 'Team <hello@example.com>').");
        }

        return from;
    }

    private static List<string> ReadAddresses(JsonElement body, string field, Problems problems)
    {
        var addresses = new List<string>();
        if (!TryGetArray(body, field, MaxAddresses, problems, out var items))
        {
            return addresses;
        }

        foreach (var (item, index) in items.Select((item, index) => (item, index)))
        {
            var at = $"{field}[{index}]";
            if (item.ValueKind != JsonValueKind.String || !EmailAddress.TryNormalize(item.GetString(), out var normalized))
            {
                problems.Add(at, $"'{Shown(item)}' is not an email address.");
            }
            else if (addresses.Contains(normalized, StringComparer.Ordinal))
            {
                problems.Add(at, $"'{item.GetString()}' is listed twice.");
            }
            else
            {
                addresses.Add(normalized);
            }
        }

        return addresses;
    }

    private static List<(TemplateProperty Property, string Path)> ReadProperties(JsonElement body, string field, Regex namePattern, string nameRule, Problems problems)
    {
        var properties = new List<(TemplateProperty, string)>();
        if (!TryGetArray(body, field, MaxProperties, problems, out var items))
        {
            return properties;
        }

        foreach (var (item, index) in items.Select((item, index) => (item, index)))
        {
            var at = $"{field}[{index}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                problems.Add(at, "Each property is an object {\"name\": \"…\", \"required\": true|false}.");
                continue;
            }

            var name = item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null;
            var required = item.TryGetProperty("required", out var r) ? r.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False or JsonValueKind.Null => false,
                _ => (bool?)null,
            } : false;
            if (name is null || !namePattern.IsMatch(name))
            {
                problems.Add($"{at}.name", name is null ? "The property name is required." : $"'{name}' is not a valid property name: {nameRule}, at most 100 characters.");
            }

            if (required is null)
            {
                problems.Add($"{at}.required", "'required' must be true or false.");
            }

            foreach (var extra in item.EnumerateObject().Where(p => p.Name is not ("name" or "required")))
            {
                problems.Add($"{at}.{extra.Name}", $"'{extra.Name}' is not a property field (only name and required).");
            }

            if (name is not null && required is not null)
            {
                properties.Add((new TemplateProperty(name, required.Value), $"{at}.name"));
            }
        }

        return properties;
    }

    private static void CheckDeclaredOnce(List<(TemplateProperty Property, string Path)> contact, List<(TemplateProperty Property, string Path)> custom, Problems problems)
    {
        foreach (var list in new[] { contact, custom })
        {
            foreach (var repeat in list.GroupBy(p => p.Property.Name, StringComparer.Ordinal).SelectMany(g => g.Skip(1)))
            {
                problems.Add(repeat.Path, $"'{repeat.Property.Name}' is declared more than once.");
            }
        }

        foreach (var both in custom.Where(c => contact.Any(p => string.Equals(p.Property.Name, c.Property.Name, StringComparison.Ordinal))))
        {
            problems.Add(both.Path, $"'{both.Property.Name}' is declared as a contact property too; an event's property must mean one thing.");
        }
    }

    private static string? ReadDescription(JsonElement body, Problems problems)
    {
        if (!TryGetText(body, TemplateFields.Description, problems, out var description))
        {
            return null;
        }

        if (description?.Length > MaxDescriptionLength)
        {
            problems.Add(TemplateFields.Description, $"The description is {description.Length} characters; at most {MaxDescriptionLength}.");
        }

        return description;
    }

    /// <summary>False when the field is there but not a string (the problem is added); a blank string reads as null.</summary>
    private static bool TryGetText(JsonElement body, string field, Problems problems, out string? text)
    {
        text = null;
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(field, $"'{field}' must be a string.");
            return false;
        }

        text = string.IsNullOrWhiteSpace(value.GetString()) ? null : value.GetString()!.Trim();
        return true;
    }

    private static bool TryGetArray(JsonElement body, string field, int max, Problems problems, out List<JsonElement> items)
    {
        items = [];
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(field, $"'{field}' must be a list.");
            return false;
        }

        items = value.EnumerateArray().ToList();
        if (items.Count > max)
        {
            problems.Add(field, $"'{field}' has {items.Count} entries; at most {max}.");
            return false;
        }

        return true;
    }

    private static string Shown(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,99}$")]
    private static partial Regex ContactPropertyName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex CustomPropertyName();

    private sealed class Problems
    {
        private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

        public void Add(string field, string message)
        {
            if (!_byField.TryGetValue(field, out var messages))
            {
                _byField[field] = messages = [];
            }

            messages.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _byField.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
    }
}
