using System.Text.RegularExpressions;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Email addresses out of text that may reach logs, the ledger or a dead-letter reason (HubSpot quotes them in errors).</summary>
public static partial class PersonalData
{
    public static string RedactEmails(string text) => EmailInText().Replace(text ?? "", "<email>");

    [GeneratedRegex(@"[^\s@""'<>()\[\],;:]+@[^\s@""'<>()\[\],;:]+\.[A-Za-z0-9-]+")]
    private static partial Regex EmailInText();
}
