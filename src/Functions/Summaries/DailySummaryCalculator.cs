using System.Globalization;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.Summaries;

/// <summary>
/// The summary of a UTC day from its ledger rows and HubSpot usage minutes: pure (rows in, summary out), fed one row
/// at a time so that a day of a million rows is one pass, holding counts and one number per delivered row.
/// </summary>
internal sealed class DailySummaryCalculator
{
    /// <summary>Rejection reasons listed, most frequent first.</summary>
    public const int TopRejections = 10;

    /// <summary>(type, status) groups listed; the rest are counted as type <see cref="OtherType"/>, so the row stays within storage's bounds whatever types arrive.</summary>
    public const int MaxEventGroups = 50;

    public const string OtherType = "other";
    public const string NoSendResult = "none";
    public const string UnknownReason = "unknown";

    /// <summary>A reason code longer than this is cut: codes are short words; a longer text is a description without its code.</summary>
    public const int MaxReasonLength = 64;

    private readonly Dictionary<(string Type, NotificationStatus Status), long> _events = [];
    private readonly Dictionary<string, long> _emails = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Count, NotificationRecord Example)> _rejections = new(StringComparer.Ordinal);
    private readonly List<long> _deliveredMs = [];
    private long _calls;
    private long _throttled;

    public void Add(NotificationRecord row)
    {
        ArgumentNullException.ThrowIfNull(row);
        _events[(row.Type, row.Status)] = _events.GetValueOrDefault((row.Type, row.Status)) + 1;
        if (row.Channel == TransactionalEmailHandler.Channel)
        {
            var result = string.IsNullOrWhiteSpace(row.Result) ? NoSendResult : row.Result;
            _emails[result] = _emails.GetValueOrDefault(result) + 1;
        }

        if (row.Status == NotificationStatus.Rejected)
        {
            var reason = ReasonCode(row.LastError);
            _rejections[reason] = _rejections.TryGetValue(reason, out var seen)
                ? (seen.Count + 1, IsEarlier(row, seen.Example) ? row : seen.Example)
                : (1, row);
        }

        if (row.Status == NotificationStatus.Delivered)
        {
            _deliveredMs.Add(Math.Max(0, (long)Math.Round((row.UpdatedAt - row.ReceivedAt).TotalMilliseconds)));
        }
    }

    public void Add(HubSpotUsageMinute minute)
    {
        ArgumentNullException.ThrowIfNull(minute);
        _calls += minute.Calls;
        _throttled += minute.Throttled;
    }

    /// <param name="computedAt">When; the day is complete when it ended by then.</param>
    public DailySummary Summary(DateOnly day, DateTimeOffset computedAt, long dailyLimit)
    {
        var dayEnd = new DateTimeOffset(day.AddDays(1), TimeOnly.MinValue, TimeSpan.Zero);
        _deliveredMs.Sort();
        return new DailySummary(
            day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            computedAt.UtcDateTime, // a UTC DateTime is written with its "Z"
            computedAt >= dayEnd,
            Events(),
            [.. _emails.OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => new EmailCount(e.Key, e.Value))],
            [.. _rejections.OrderByDescending(r => r.Value.Count).ThenBy(r => r.Key, StringComparer.Ordinal).Take(TopRejections)
                .Select(r => new RejectionCount(r.Key, r.Value.Count, r.Value.Example.SourceId, r.Value.Example.Channel))],
            new TimeToHubSpot(_deliveredMs.Count, Percentile(_deliveredMs, 0.50), Percentile(_deliveredMs, 0.95)),
            new HubSpotDay(_calls, _throttled, dailyLimit, dailyLimit > 0 ? Math.Round((double)_calls / dailyLimit, 6) : 0));
    }

    /// <summary>The whole calculation over rows and minutes in hand.</summary>
    public static DailySummary Calculate(DateOnly day, DateTimeOffset computedAt, IEnumerable<NotificationRecord> rows, IEnumerable<HubSpotUsageMinute> usage, long dailyLimit)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(usage);
        var calculator = new DailySummaryCalculator();
        foreach (var row in rows)
        {
            calculator.Add(row);
        }

        foreach (var minute in usage)
        {
            calculator.Add(minute);
        }

        return calculator.Summary(day, computedAt, dailyLimit);
    }

    /// <summary>
    /// The code of a ledger reason (<c>"Code: description"</c>): the text before the first <c>": "</c>; a reason without
    /// one is its own code; none is <see cref="UnknownReason"/>.
    /// </summary>
    public static string ReasonCode(string? lastError)
    {
        if (string.IsNullOrWhiteSpace(lastError))
        {
            return UnknownReason;
        }

        var colon = lastError.IndexOf(": ", StringComparison.Ordinal);
        var code = (colon >= 0 ? lastError[..colon] : lastError).Trim();
        return code.Length == 0 ? UnknownReason
            : code.Length <= MaxReasonLength ? code
            : code[..(MaxReasonLength - 1)] + "…";
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="p"/> of the values at or below it.</summary>
    public static long? Percentile(IReadOnlyList<long> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>The example of a reason is its earliest row, so the summary does not depend on the order storage read them in.</summary>
    private static bool IsEarlier(NotificationRecord row, NotificationRecord than) =>
        row.ReceivedAt != than.ReceivedAt ? row.ReceivedAt < than.ReceivedAt
        : string.CompareOrdinal(row.Channel + "|" + row.SourceId, than.Channel + "|" + than.SourceId) < 0;

    private List<EventCount> Events()
    {
        var ordered = _events.OrderByDescending(e => e.Value).ThenBy(e => e.Key.Type, StringComparer.Ordinal).ThenBy(e => e.Key.Status).ToList();
        var kept = ordered.Take(MaxEventGroups).ToList();
        var other = ordered.Skip(MaxEventGroups).GroupBy(e => e.Key.Status).Select(g => new KeyValuePair<(string, NotificationStatus), long>((OtherType, g.Key), g.Sum(e => e.Value)));
        return [.. kept.Concat(other)
            .GroupBy(e => (Type: Bounded(e.Key.Item1), Status: e.Key.Item2)) // a type named "other" meets the folded ones
            .OrderBy(g => g.Key.Type, StringComparer.Ordinal).ThenBy(g => g.Key.Status)
            .Select(g => new EventCount(g.Key.Type, g.Key.Status.ToString(), g.Sum(e => e.Value)))];
    }

    private static string Bounded(string type) => type.Length <= 128 ? type : type[..127] + "…";
}
