using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Deliveries;

namespace Crm.Integration.Functions.Tests.Deliveries;

public sealed class FailureGroupsTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("UnknownTemplate: No template 'x' is mapped.", "UnknownTemplate")]
    [InlineData("HubSpotUnavailable: HubSpot did not take the send now: 503", "HubSpotUnavailable")]
    [InlineData("UnknownTemplate", "UnknownTemplate")]
    [InlineData("The broker said: no", LedgerReasons.Unspecified)]
    [InlineData("", LedgerReasons.Unspecified)]
    [InlineData(null, LedgerReasons.Unspecified)]
    [InlineData(": nothing before", LedgerReasons.Unspecified)]
    public void CodeOf_IsTheIdentifierBeforeTheFirstColon(string? lastError, string code) =>
        Assert.Equal(code, LedgerReasons.CodeOf(lastError));

    [Fact]
    public void Of_GroupsRejectedAndFailedByReason_MostFrequentFirst_SkipsTheRest()
    {
        NotificationRecord[] records =
        [
            Row("a", "email", NotificationStatus.Rejected, "UnknownTemplate: no 'x'"),
            Row("b", "email", NotificationStatus.Rejected, "UnknownTemplate: no 'y'"),
            Row("c", "auth0", NotificationStatus.Failed, "HubSpotUnavailable: 503"),
            Row("d", "auth0", NotificationStatus.Rejected, "HubSpotUnavailable: gave up"),
            Row("e", "auth0", NotificationStatus.Failed, "HubSpotUnavailable: 502"),
            Row("f", "task-signup", NotificationStatus.Rejected, "MissingTaskSignupId: none"),
            Row("g", "auth0", NotificationStatus.Delivered, null),
            Row("h", "auth0", NotificationStatus.Received, "HubSpotUnavailable: old error, being retried"),
        ];

        var failures = FailureGroups.Of(records, Noon.AddHours(-1), Noon);

        Assert.Equal(6, failures.Total);
        Assert.Equal(
            [("HubSpotUnavailable", 3, 1, 2, "c", "auth0"), ("UnknownTemplate", 2, 2, 0, "a", "platform"), ("MissingTaskSignupId", 1, 1, 0, "f", "platform")],
            failures.Reasons.Select(f => (f.Reason, f.Count, f.Rejected, f.Failed, f.ExampleId, f.ExampleSource)));
        Assert.Equal("UnknownTemplate: no 'x'", failures.Reasons[1].ExampleError);
    }

    [Fact]
    public void Of_NoFailures_IsAnEmptyList()
    {
        var failures = FailureGroups.Of([Row("g", "auth0", NotificationStatus.Delivered, null)], Noon.AddHours(-1), Noon);

        Assert.Equal((0, 0), (failures.Total, failures.Reasons.Count));
    }

    internal static NotificationRecord Row(string id, string channel, NotificationStatus status, string? error, DateTimeOffset? received = null, TimeSpan? took = null) =>
        new(id, channel, "test", status, received ?? Noon, (received ?? Noon) + (took ?? TimeSpan.Zero), 1, 0, error);
}
