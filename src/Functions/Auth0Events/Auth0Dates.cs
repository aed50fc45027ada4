using System.Globalization;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>
/// Auth0 log dates: ISO 8601 with an offset (<c>2021-11-04T00:15:10.706Z</c>). Some producers rewrite them
/// (<c>2024-10-29 18:52:51.953000000</c>: a space, nine fractional digits, no offset), read here as UTC.
/// </summary>
public static class Auth0Dates
{
    public static bool TryParse(string? text, out DateTimeOffset moment)
    {
        moment = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var candidate = text.Trim().Replace(' ', 'T');
        var dot = candidate.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            // .NET reads at most seven fractional digits.
            var end = dot + 1;
            while (end < candidate.Length && char.IsAsciiDigit(candidate[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                candidate = candidate[..(dot + 8)] + candidate[end..];
            }
        }

        return DateTimeOffset.TryParse(candidate, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out moment);
    }
}
