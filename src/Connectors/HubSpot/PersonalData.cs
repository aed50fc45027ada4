using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Email addresses out of text that may reach logs, the ledger or a dead-letter reason (HubSpot quotes them in errors).</summary>
public static partial class PersonalData
{
    public static string RedactEmails(string text) => EmailInText().Replace(text ?? "", "<email>");

    /// <summary>
    /// A stand-in for an email where a record must say who without saying it (the send log): the first 16 hex digits
    /// of the SHA-256 of the trimmed, lower-cased address. Support can match it by hashing an address they are given.
    /// </summary>
    public static string Fingerprint(string email) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((email ?? "").Trim().ToLowerInvariant())))[..16];

    [GeneratedRegex(@"[^\s@""'<>()\[\],;:]+@[^\s@""'<>()\[\],;:]+\.[A-Za-z0-9-]+")]
    private static partial Regex EmailInText();
}
