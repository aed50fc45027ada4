using System.Text.Json;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.Tests.Execution;

namespace Crm.Integration.Functions.Tests.PlatformEvents;

/// <summary>The task-signup decision as a table: a signup, the contact HubSpot has (or not) and the delivery count in, a plan out.</summary>
public sealed class TaskSignupDeciderTests
{
    private static readonly PlatformEventsOptions Options = new() { ContactWaitDelay = TimeSpan.FromSeconds(20), ContactWaitAttempts = 5 };
    private static readonly Dictionary<string, ContactLookup> Contacts = new(StringComparer.Ordinal)
    {
        ["ada@example.com"] = new(ContactLookupKind.Found, "501", "ada@example.com"),
        ["busy@example.com"] = new(ContactLookupKind.Transient, Error: new HubSpotError(503, "down")),
    };

    public static TheoryData<string, TaskSignupData, int, TaskSignupSettings, string> Decisions => new()
    {
        { "found by email: properties, latest signup wins", Signup("ada@example.com"), 1, TaskSignupSettings.Defaults,
            "upsert ada@example.com last_task_name=Count last_task_project_name=Rivers last_task_signup_date=1795854600000 latest-wins LastTaskSignup@1795854600000 contact 501" },
        { "custom-event mode", Signup("ada@example.com"), 1, new TaskSignupSettings(TaskSignupMode.CustomEvent, "pe1_task_signup"),
            "custom-event pe1_task_signup contact 501 at 2026-11-28T08:30:00.0000000+00:00" },
        { "contact not there yet: wait", Signup("new@example.com"), 2, TaskSignupSettings.Defaults, "retry ContactNotFound after 20s" },
        { "contact never came", Signup("new@example.com"), 5, TaskSignupSettings.Defaults, "reject ContactNotFound" },
        { "HubSpot down: retry at once", Signup("busy@example.com"), 1, TaskSignupSettings.Defaults, "retry HubSpotUnavailable after 0s" },
        { "an email that is not one", Signup("not-an-email"), 1, TaskSignupSettings.Defaults, "reject InvalidEmail" },
        { "custom events without a name", Signup("ada@example.com"), 1, new TaskSignupSettings(TaskSignupMode.CustomEvent), "reject TaskSignupMisconfigured" },
        { "nothing to find the contact by", Signup(null) with { UserId = null }, 1, TaskSignupSettings.Defaults, "reject NoContactKey" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public async Task DecideAsync_Signup_GivesThePlan(string because, TaskSignupData data, int attempt, TaskSignupSettings settings, string expected)
    {
        var facts = new FixedFacts(Contacts: Contacts, TaskSignups: settings, CanReadUsers: false);
        var platformEvent = new PlatformEvent("task_signup", "evt-1", null, null, JsonDocument.Parse("{}").RootElement, default);

        var plan = await TaskSignupDecider.DecideAsync(platformEvent, data, attempt, Options, facts, CancellationToken.None);

        Assert.True(expected == FixedFacts.Describe(plan), $"{because}: expected '{expected}', got '{FixedFacts.Describe(plan)}'");
    }

    private static TaskSignupData Signup(string? email) =>
        new("ut-1", "auth0|ada", "2026-11-28T08:30:00Z", new TaskSignupDetails("p1", "Rivers", "t1", "Count", "tt1", "Survey", null), email);
}
