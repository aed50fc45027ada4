using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Deliveries;

/// <summary>Events per minute or hour of arrival, by what became of them, for the page's chart.</summary>
internal static class EventTimeline
{
    public const string Minute = "minute";
    public const string Hour = "hour";

    /// <summary>The most buckets one chart asks for: a day by the minute.</summary>
    public const int MaxBuckets = 1440;

    /// <summary>By the minute up to six hours, by the hour beyond.</summary>
    public static string DefaultBucket(TimeSpan window) => window <= TimeSpan.FromHours(6) ? Minute : Hour;

    public static TimeSpan Width(string bucket) => bucket == Hour ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(1);

    /// <summary>Every bucket of the window, empty ones too (a chart must show the quiet minutes).</summary>
    public static TimelineDocument Of(IEnumerable<NotificationRecord> records, DateTimeOffset since, DateTimeOffset until, string bucket)
    {
        var width = Width(bucket);
        var first = Floor(since, width);
        var count = (int)Math.Ceiling((until - first) / width);
        var counts = new int[count, 4];
        foreach (var record in records)
        {
            var index = (int)((record.ReceivedAt - first) / width);
            if (index >= 0 && index < count)
            {
                counts[index, (int)record.Status]++;
            }
        }

        var buckets = Enumerable.Range(0, count).Select(i => new TimelineBucket(
            first + (width * i),
            counts[i, (int)NotificationStatus.Received],
            counts[i, (int)NotificationStatus.Delivered],
            counts[i, (int)NotificationStatus.Rejected],
            counts[i, (int)NotificationStatus.Failed])).ToList();
        return new TimelineDocument(since, until, bucket, buckets);
    }

    private static DateTimeOffset Floor(DateTimeOffset time, TimeSpan width) =>
        new(time.UtcTicks - (time.UtcTicks % width.Ticks), TimeSpan.Zero);
}

internal sealed record TimelineDocument(DateTimeOffset Since, DateTimeOffset Until, string Bucket, IReadOnlyList<TimelineBucket> Buckets);

/// <param name="Received">Arrived and not settled yet.</param>
internal sealed record TimelineBucket(DateTimeOffset Start, int Received, int Delivered, int Rejected, int Failed);
