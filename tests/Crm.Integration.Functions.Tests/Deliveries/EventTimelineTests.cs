using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Deliveries;

namespace Crm.Integration.Functions.Tests.Deliveries;

public sealed class EventTimelineTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 30, TimeSpan.Zero);

    [Theory]
    [InlineData(60, "minute")]
    [InlineData(360, "minute")]
    [InlineData(361, "hour")]
    [InlineData(1440, "hour")]
    public void DefaultBucket_ByTheMinuteUpToSixHours(int minutes, string bucket) =>
        Assert.Equal(bucket, EventTimeline.DefaultBucket(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void Of_CountsEachStatusInItsMinute_EveryMinuteShown_OutsideIgnored()
    {
        NotificationRecord[] records =
        [
            FailureGroupsTests.Row("a", "auth0", NotificationStatus.Delivered, null, Start),
            FailureGroupsTests.Row("b", "auth0", NotificationStatus.Delivered, null, Start.AddSeconds(20)),
            FailureGroupsTests.Row("c", "email", NotificationStatus.Rejected, "UnknownTemplate: x", Start.AddSeconds(29)),
            FailureGroupsTests.Row("d", "auth0", NotificationStatus.Failed, "HubSpotUnavailable: 503", Start.AddMinutes(2)),
            FailureGroupsTests.Row("e", "auth0", NotificationStatus.Received, null, Start.AddMinutes(3)),
            FailureGroupsTests.Row("early", "auth0", NotificationStatus.Delivered, null, Start.AddMinutes(-5)),
            FailureGroupsTests.Row("late", "auth0", NotificationStatus.Delivered, null, Start.AddMinutes(10)),
        ];

        var timeline = EventTimeline.Of(records, Start, Start.AddMinutes(4), EventTimeline.Minute);

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), timeline.Buckets[0].Start); // floored to the minute
        Assert.Equal(
            [(0, 2, 1, 0), (0, 0, 0, 0), (0, 0, 0, 1), (1, 0, 0, 0), (0, 0, 0, 0)], // 12:00 to 12:04, the last one part-filled by the window
            timeline.Buckets.Select(b => (b.Received, b.Delivered, b.Rejected, b.Failed)));
    }

    [Fact]
    public void Of_ByTheHour_FloorsToTheHour()
    {
        var timeline = EventTimeline.Of([FailureGroupsTests.Row("a", "auth0", NotificationStatus.Delivered, null, Start.AddMinutes(70))], Start, Start.AddHours(3), EventTimeline.Hour);

        Assert.Equal([0, 1, 0, 0], timeline.Buckets.Select(b => b.Delivered));
        Assert.Equal(Start.AddMinutes(-0.5).AddHours(1), timeline.Buckets[1].Start);
    }
}
