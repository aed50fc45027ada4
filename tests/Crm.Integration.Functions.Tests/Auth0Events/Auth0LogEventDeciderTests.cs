using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Tests.Execution;

namespace Crm.Integration.Functions.Tests.Auth0Events;

/// <summary>The Auth0 decision as a table: an event and its facts in, a plan out.</summary>
public sealed class Auth0LogEventDeciderTests
{
    private static readonly FixedFacts Facts = new(new Dictionary<string, Auth0User>
    {
        ["auth0|ada"] = new("auth0|ada", "Ada.Lovelace@Example.com", "Ada", "Lovelace", "Ada Lovelace", null),
        ["auth0|bad"] = new("auth0|bad", "ada@localhost", null, null, null, null),
    });

    public static TheoryData<string, Auth0LogData, string> Decisions => new()
    {
        {
            "login with the email in user_name",
            new("s", "2021-11-04T00:15:10.706Z", "auth0|x", "Dev@Test.com", "l1"),
            "upsert dev@test.com auth0_user_id=auth0|x last_login_date=1635984910706 latest-wins LastLogin@1635984910706 put-back"
        },
        {
            "login with no email in the log takes the profile's",
            new("s", "2021-11-04T00:15:10.706Z", "auth0|ada", "ada", "l2"),
            "upsert ada.lovelace@example.com auth0_user_id=auth0|ada last_login_date=1635984910706 latest-wins LastLogin@1635984910706 put-back"
        },
        {
            "signup without names reads them from the profile; registration at midnight UTC",
            new("ss", "2024-01-01T01:30:00+02:00", "auth0|ada", null, "l3", new Auth0LogDetails(new Auth0SignupBody("ada.lovelace@example.com", null, null))),
            "upsert ada.lovelace@example.com auth0_user_id=auth0|ada firstname=Ada lastname=Lovelace registration_date=1703980800000"
        },
        {
            "signup names from the body win over the profile's",
            new("ss", "2024-01-01T00:00:00Z", "auth0|ada", null, "l4", new Auth0LogDetails(new Auth0SignupBody("a@b.co", " Augusta ", "King"))),
            "upsert a@b.co auth0_user_id=auth0|ada firstname=Augusta lastname=King registration_date=1704067200000"
        },
        {
            "an odd producer's date: space, nine digits, no offset, read as UTC",
            new("s", "2024-10-29 18:52:51.953000000", "auth0|x", "x@y.io", "l5"),
            "upsert x@y.io auth0_user_id=auth0|x last_login_date=1730227971953 latest-wins LastLogin@1730227971953 put-back"
        },
        { "no email anywhere", new("s", "2024-01-01T00:00:00Z", "auth0|nobody", "nobody", "l6"), "reject NoEmail" },
        { "an email HubSpot cannot take, none in the profile", new("s", "2024-01-01T00:00:00Z", "auth0|bad", "ada@localhost", "l7"), "reject InvalidEmail" },
        { "an unreadable date", new("s", "yesterday", "auth0|x", "x@y.io", "l8"), "reject UnreadableDate" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task DecideAsync_Event_GivesThePlan(string because, Auth0LogData data, string expected)
    {
        var plan = await Auth0LogEventDecider.DecideAsync(data, Facts, CancellationToken.None);

        Assert.True(expected == FixedFacts.Describe(plan), $"{because}: expected '{expected}', got '{FixedFacts.Describe(plan)}'");
    }

    [Fact]
    public async Task DecideAsync_ProfileNeededAndAuth0Down_Throws_ForTheExecutorToRetry()
    {
        await Assert.ThrowsAsync<Auth0UnavailableException>(() =>
            Auth0LogEventDecider.DecideAsync(new Auth0LogData("s", "2024-01-01T00:00:00Z", "down", null, "l9"), Facts, CancellationToken.None));
    }

    [Fact]
    public async Task DecideAsync_EmailInTheLog_NeverAsksAuth0()
    {
        var plan = await Auth0LogEventDecider.DecideAsync(new Auth0LogData("s", "2024-01-01T00:00:00Z", "down", "x@y.io", "l10"), Facts, CancellationToken.None);

        Assert.StartsWith("upsert x@y.io", FixedFacts.Describe(plan), StringComparison.Ordinal);
    }
}
