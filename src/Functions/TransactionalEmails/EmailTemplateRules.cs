using System.Text.Json;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>
/// What a template allows: every required property present and not empty, and no property the template does not
/// declare (a typo in a publisher must not silently drop a value from an email).
/// </summary>
internal static class EmailTemplateRules
{
    /// <summary>Null when the event fits the template; otherwise a permanent outcome naming every problem.</summary>
    public static HandlerOutcome? Check(TransactionalEmailData data, EmailTemplate template)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(template);
        var missing = Missing("contact", template.ContactProperties, data.ContactProperties)
            .Concat(Missing("custom", template.CustomProperties, data.CustomProperties))
            .ToList();
        var undeclared = Undeclared("contact", template.ContactProperties, data.ContactProperties)
            .Concat(Undeclared("custom", template.CustomProperties, data.CustomProperties))
            .ToList();
        if (missing.Count == 0 && undeclared.Count == 0)
        {
            return null;
        }

        var problems = missing.Select(p => $"required {p} is missing or empty")
            .Concat(undeclared.Select(p => $"{p} is not declared by the template"));
        return (missing.Count > 0 ? Reasons.MissingRequiredProperty : Reasons.UndeclaredProperty).Because(
            $"Template '{template.Name}': {string.Join("; ", problems)}.");
    }

    private static IEnumerable<string> Missing(string kind, IReadOnlyList<TemplateProperty> declared, Dictionary<string, JsonElement>? given) =>
        declared.Where(p => p.Required && (given is null || !given.TryGetValue(p.Name, out var value) || IsEmpty(value)))
            .Select(p => $"{kind} property '{p.Name}'");

    private static IEnumerable<string> Undeclared(string kind, IReadOnlyList<TemplateProperty> declared, Dictionary<string, JsonElement>? given) =>
        (given?.Keys ?? Enumerable.Empty<string>())
            .Where(name => !declared.Any(p => string.Equals(p.Name, name, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .Select(name => $"{kind} property '{name}'");

    private static bool IsEmpty(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => true,
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetString()),
        JsonValueKind.Array => value.GetArrayLength() == 0,
        JsonValueKind.Object => !value.EnumerateObject().Any(),
        _ => false,
    };
}
