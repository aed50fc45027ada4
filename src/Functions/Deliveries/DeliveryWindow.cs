using System.Globalization;

namespace Crm.Integration.Functions.Deliveries;

/// <summary>The <c>since</c>/<c>until</c> of a query (ISO 8601; an offset-less time is UTC), defaulting to the last <c>span</c>.</summary>
internal static class DeliveryWindow
{
    /// <summary>Sent emails are kept 400 days (the longest retention): no question reaches further back.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(400);

    public static bool TryParse(string? since, string? until, TimeSpan span, DateTimeOffset now, out DateTimeOffset from, out DateTimeOffset to, out string? problem)
    {
        from = to = default;
        problem = null;
        if (!TryTime(until, "until", now, out to, ref problem) || !TryTime(since, "since", to - span, out from, ref problem))
        {
            return false;
        }

        problem = from >= to ? "'since' must be before 'until'."
            : to - from > Longest ? $"A window spans at most {Longest.TotalDays:0} days (the longest any row is kept)."
            : null;
        return problem is null;
    }

    private static bool TryTime(string? text, string name, DateTimeOffset fallback, out DateTimeOffset time, ref string? problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            time = fallback;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
        {
            return true;
        }

        problem = $"'{name}' is not a date and time (ISO 8601, e.g. 2026-12-02T08:00:00Z).";
        return false;
    }
}
