using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Contacts;

namespace Crm.Integration.Functions.Tests.Auth0Events;

public sealed class Auth0DatesTests
{
    [Theory]
    [InlineData("2021-11-04T00:15:10.706Z", "2021-11-04T00:15:10.7060000+00:00")]
    [InlineData("2024-01-01T01:30:00+02:00", "2023-12-31T23:30:00.0000000+00:00")]
    [InlineData("2024-10-29 18:52:51.953000000", "2024-10-29T18:52:51.9530000+00:00")]
    public void TryParse_ReadsAuth0AndRewrittenFormats_AsUtc(string text, string expected)
    {
        Assert.True(Auth0Dates.TryParse(text, out var moment));
        Assert.Equal(expected, moment.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    public void TryParse_NotADate_IsFalse(string? text) => Assert.False(Auth0Dates.TryParse(text, out _));

    [Fact]
    public void HubSpotValues_DateIsMidnightUtc_DateTimeIsTheMoment()
    {
        var moment = new DateTimeOffset(2024, 1, 1, 1, 30, 0, TimeSpan.FromHours(2));

        Assert.Equal("1703980800000", HubSpotValues.Date(moment));
        Assert.Equal("1704065400000", HubSpotValues.DateTime(moment));
    }
}
