namespace Crm.Integration.Functions.Common;

/// <summary>Reads the reason code back out of a ledger row's error, written as "Code: description" (<see cref="LedgerOutcomes.Describe"/>).</summary>
internal static class LedgerReasons
{
    /// <summary>The code, or <c>Unspecified</c> for an error written before codes (or by hand) that has none.</summary>
    public static string CodeOf(string? lastError)
    {
        if (string.IsNullOrWhiteSpace(lastError))
        {
            return Unspecified;
        }

        var colon = lastError.IndexOf(": ", StringComparison.Ordinal);
        var code = colon > 0 ? lastError[..colon] : lastError;
        return code.Length <= MaxCodeLength && code.All(char.IsAsciiLetterOrDigit) ? code : Unspecified;
    }

    public const string Unspecified = "Unspecified";

    // Codes are identifiers from Reasons (the longest has 24 characters); anything longer is a sentence, not a code.
    private const int MaxCodeLength = 64;
}
