using System.Net.Mail;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Emails as HubSpot keys contacts: trimmed, lower-cased, and valid enough that HubSpot will take them.</summary>
public static class EmailAddress
{
    public static bool TryNormalize(string? candidate, out string normalized)
    {
        normalized = candidate?.Trim().ToLowerInvariant() ?? "";
        var at = normalized.LastIndexOf('@');
        return normalized.Length is > 2 and <= 254
            && at > 0
            && normalized.IndexOf('.', at) > at + 1
            && !normalized.EndsWith('.')
            && !normalized.Any(char.IsWhiteSpace)
            && MailAddress.TryCreate(normalized, out var parsed)
            && parsed.Address == normalized;
    }
}
