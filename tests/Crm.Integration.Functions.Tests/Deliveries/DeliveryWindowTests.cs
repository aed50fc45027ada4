using Crm.Integration.Functions.Deliveries;

namespace Crm.Integration.Functions.Tests.Deliveries;

public sealed class DeliveryWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null, "2026-12-01T08:00:00Z", "2026-12-02T08:00:00Z")]
    [InlineData("2026-12-02T06:00:00Z", null, "2026-12-02T06:00:00Z", "2026-12-02T08:00:00Z")]
    [InlineData(null, "2026-12-01T00:00:00Z", "2026-11-30T00:00:00Z", "2026-12-01T00:00:00Z")]
    [InlineData("2026-12-02T06:00:00", "2026-12-02T07:00:00+01:00", "2026-12-02T06:00:00Z", "2026-12-02T06:00:00Z")]
    public void TryParse_DefaultsToTheLastSpan_OffsetLessIsUtc(string? since, string? until, string from, string to)
    {
        var parsed = DeliveryWindow.TryParse(since, until, TimeSpan.FromDays(1), Now, out var f, out var t, out var problem);

        if (from == to)
        {
            Assert.False(parsed); // 06:00Z to 07:00+01:00 is empty
            Assert.Contains("before", problem, StringComparison.Ordinal);
            return;
        }

        Assert.True(parsed, problem);
        Assert.Equal((DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, System.Globalization.CultureInfo.InvariantCulture)), (f, t));
    }

    [Theory]
    [InlineData("yesterday", null, "'since' is not a date")]
    [InlineData(null, "soon", "'until' is not a date")]
    [InlineData("2026-12-02T09:00:00Z", null, "'since' must be before 'until'")]
    [InlineData("2025-01-01T00:00:00Z", null, "at most 400 days")]
    public void TryParse_SaysWhatIsWrong(string? since, string? until, string problem)
    {
        Assert.False(DeliveryWindow.TryParse(since, until, TimeSpan.FromDays(1), Now, out _, out _, out var said));
        Assert.Contains(problem, said, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auth0", new[] { "auth0" })]
    [InlineData("platform", new[] { "platform", "task-signup", "email" })]
    [InlineData("EMAIL", new[] { "email" })]
    [InlineData(null, new[] { "auth0", "platform", "task-signup", "email" })]
    public void ChannelsOf_ASourceCoversItsChannels(string? source, string[] channels) =>
        Assert.Equal(channels, EventSources.ChannelsOf(source));

    [Fact]
    public void ChannelsOf_AnUnknownSource_IsNull() => Assert.Null(EventSources.ChannelsOf("salesforce"));
}
