using System.Diagnostics;
using System.Text.RegularExpressions;
using Crm.Integration.Connectors.HubSpot;
using OpenTelemetry;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// The last guard before any exporter: a span that ends with an email in its name or a tag (a URL that names a
/// contact, a value that slipped through) leaves with <c>&lt;email&gt;</c> instead, and the ids in the paths that look up a
/// person (a HubSpot contact by id or email, an Auth0 user) with <c>{id}</c>. The hub's own spans carry none by design;
/// this holds for instrumentation the hub does not write (HttpClient, ASP.NET Core, the Azure SDKs).
/// </summary>
internal sealed partial class PersonalDataRedactor : BaseProcessor<Activity>
{
    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (MayHold(data.DisplayName))
        {
            data.DisplayName = Redact(data.DisplayName);
        }

        List<KeyValuePair<string, string>>? changed = null;
        foreach (var tag in data.TagObjects)
        {
            if (tag.Value is string text && MayHold(text))
            {
                (changed ??= []).Add(new(tag.Key, Redact(text)));
            }
        }

        foreach (var (key, value) in changed ?? [])
        {
            data.SetTag(key, value);
        }
    }

    private static bool MayHold(string text) =>
        text.Contains('@', StringComparison.Ordinal) || text.Contains("%40", StringComparison.OrdinalIgnoreCase)
        || text.Contains("/contacts/", StringComparison.Ordinal) || text.Contains("/users/", StringComparison.Ordinal);

    internal static string Redact(string text) =>
        PersonalData.RedactEmails(PersonLookupPath().Replace(text, "$1{id}").Replace("%40", "@", StringComparison.OrdinalIgnoreCase));

    /// <summary><c>crm/v3/objects/contacts/{id or email}</c> (not <c>…/contacts/batch/…</c>) and <c>api/v2/users/{id}</c>.</summary>
    [GeneratedRegex(@"(/crm/v3/objects/contacts/|/api/v2/users/)(?!batch/)[^/?#\s]+")]
    private static partial Regex PersonLookupPath();
}
