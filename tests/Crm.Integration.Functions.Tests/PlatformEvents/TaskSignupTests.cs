using System.Text.Json.Nodes;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Testing;
using static Crm.Integration.Functions.Tests.PlatformEvents.PlatformEventsHarness;

namespace Crm.Integration.Functions.Tests.PlatformEvents;

/// <summary>task_signup from queue message to HubSpot (contact properties or custom event), ledger row and settlement.</summary>
public sealed class TaskSignupTests : IAsyncDisposable
{
    private static readonly long Created = DateTimeOffset.Parse("2026-11-20T08:30:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
    private readonly PlatformEventsHarness _hub = new();

    public TaskSignupTests()
    {
        _hub.Contacts.Existing["ada.lovelace@example.com"] = "501";
    }

    [Fact]
    public async Task ContactPropertiesMode_FindsTheContactByCrmId_AndWritesDateTaskAndProject()
    {
        var settlement = await _hub.HandleAsync(CloudEvent("task_signup", "e-1", PlatformEventData.TaskSignup()));

        Assert.Equal(SettlementKind.Complete, settlement.Kind);
        Assert.Equal(ContactKey.ById("501"), Assert.Single(_hub.Contacts.Lookups));
        var written = Assert.Single(_hub.Contacts.Written);
        Assert.Equal("ada.lovelace@example.com", written.Email);
        Assert.Equal(Created.ToString(System.Globalization.CultureInfo.InvariantCulture), written.Properties["last_task_signup_date"]);
        Assert.Equal(("Count the fish", "Clean Rivers"), (written.Properties["last_task_name"], written.Properties["last_task_project_name"]));
        var row = _hub.Row("ut-1", TaskSignupHandler.Channel);
        Assert.Equal((NotificationStatus.Delivered, "501"), (row.Status, row.HubSpotId));
    }

    [Fact]
    public async Task WithoutCrmId_TheEventsEmail_ThenTheAuth0Profile_FindTheContact()
    {
        await _hub.HandleAsync(CloudEvent("task_signup", "e-2", PlatformEventData.TaskSignup(id: "ut-2", crmId: null, email: "ADA.Lovelace@example.com")));
        await _hub.HandleAsync(CloudEvent("task_signup", "e-3", PlatformEventData.TaskSignup(id: "ut-3", crmId: null, email: null, userId: "auth0|ada", created: "2026-11-21T08:30:00Z")));

        Assert.Equal([ContactKey.ByEmail("ada.lovelace@example.com"), ContactKey.ByEmail("ada.lovelace@example.com")], _hub.Contacts.Lookups);
        Assert.Equal(2, _hub.Contacts.Written.Count());
    }

    [Fact]
    public async Task OlderSignupThanTheOneOnTheContact_IsNotWritten()
    {
        await _hub.HandleAsync(CloudEvent("task_signup", "e-4", PlatformEventData.TaskSignup(id: "ut-4", created: "2026-11-21T00:00:00Z")));

        var older = await _hub.HandleAsync(CloudEvent("task_signup", "e-5", PlatformEventData.TaskSignup(id: "ut-5", created: "2026-11-20T00:00:00Z")));

        Assert.Equal(SettlementKind.Complete, older.Kind);
        Assert.Single(_hub.Contacts.Written);
        Assert.Contains("later task signup", _hub.Row("ut-5", "task-signup").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomEventMode_SendsOneOccurrenceOnTheContact_WithTheTaskFields()
    {
        CustomEventMode();

        var settlement = await _hub.HandleAsync(CloudEvent("task_signup", "e-6", PlatformEventData.TaskSignup()));

        Assert.Equal(SettlementKind.Complete, settlement.Kind);
        var occurrence = Assert.Single(_hub.CustomEvents.Occurrences);
        Assert.Equal(("pe123_task_signup", "501", Created), (occurrence.EventName, occurrence.ContactId, occurrence.OccurredAt.ToUnixTimeMilliseconds()));
        Assert.Equal(TaskSignupDecider.OccurrenceId("ut-1"), occurrence.Uuid);
        Assert.Equal(("ut-1", "7", "Count the fish", "Survey"), (occurrence.Properties["user_task_id"], occurrence.Properties["project_id"], occurrence.Properties["task_name"], occurrence.Properties["task_type_name"]));
        Assert.Empty(_hub.Contacts.Written);
    }

    [Fact]
    public async Task SameSignupRepublishedUnderAnotherEventId_IsANoOp()
    {
        CustomEventMode();

        await _hub.HandleAsync(CloudEvent("task_signup", "e-7", PlatformEventData.TaskSignup()));
        var again = await _hub.HandleAsync(CloudEvent("task_signup", "e-8", PlatformEventData.TaskSignup()));

        Assert.Equal(SettlementKind.Complete, again.Kind);
        Assert.Single(_hub.CustomEvents.Occurrences);
        Assert.Equal(1, _hub.Row("ut-1", "task-signup").DuplicatesSeen);
    }

    [Fact]
    public async Task ContactNotInHubSpotYet_IsAbandoned_ThenDeadLetteredWithThatReason_AtTheAttemptLimit()
    {
        var body = CloudEvent("task_signup", "e-9", PlatformEventData.TaskSignup(id: "ut-9", crmId: "999"));

        var first = await _hub.HandleAsync(body);
        var second = await _hub.HandleAsync(body);
        var third = await _hub.HandleAsync(body);

        Assert.Equal((SettlementKind.Abandon, "ContactNotFound"), (first.Kind, first.Reason));
        Assert.Equal(SettlementKind.Abandon, second.Kind);
        Assert.Equal((SettlementKind.DeadLetter, "ContactNotFound"), (third.Kind, third.Reason));
        Assert.Contains("after 3 deliveries", third.Description, StringComparison.Ordinal);
        var row = _hub.Row("ut-9", "task-signup");
        Assert.Equal((NotificationStatus.Rejected, 3), (row.Status, row.Attempts));
    }

    [Fact]
    public async Task ContactThatArrivesBetweenDeliveries_IsWrittenOnTheNextOne()
    {
        var body = CloudEvent("task_signup", "e-10", PlatformEventData.TaskSignup(id: "ut-10", crmId: "777"));

        var first = await _hub.HandleAsync(body);
        _hub.Contacts.Existing["late@example.com"] = "777";
        var second = await _hub.HandleAsync(body);

        Assert.Equal((SettlementKind.Abandon, SettlementKind.Complete), (first.Kind, second.Kind));
        Assert.Equal("late@example.com", Assert.Single(_hub.Contacts.Written).Email);
    }

    public static TheoryData<string, JsonObject, string> Rejections => new()
    {
        { "no user-task id", Without(PlatformEventData.TaskSignup(), "id"), "MissingTaskSignupId" },
        { "no way to find the contact", PlatformEventData.TaskSignup(crmId: null, email: null, userId: "auth0|nobody"), "NoContactKey" },
        { "an email that is not one", PlatformEventData.TaskSignup(crmId: null, email: "nope"), "InvalidEmail" },
        { "created that is not a date", PlatformEventData.TaskSignup(created: "last tuesday"), "MalformedEvent" },
        { "data of the wrong shape", new JsonObject { ["id"] = "ut-x", ["extra_data"] = "flat" }, "MalformedEvent" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Rejection_IsDeadLetteredAtOnce_WithTheReason_AndRecordedInTheLedger(string because, JsonObject data, string reason)
    {
        var settlement = await _hub.HandleAsync(CloudEvent("task_signup", "e-bad", data));

        Assert.Equal((SettlementKind.DeadLetter, reason), (settlement.Kind, settlement.Reason));
        var row = Assert.Single(_hub.Ledger.Rows);
        Assert.Equal(NotificationStatus.Rejected, row.Status);
        Assert.StartsWith(reason, row.LastError, StringComparison.Ordinal);
        Assert.False(_hub.Contacts.Written.Any(), $"{because}: nothing may be written");
    }

    [Theory]
    [InlineData("Timeline", null, "must be ContactProperties or CustomEvent")]
    [InlineData("CustomEvent", null, "EventName")]
    public async Task MisconfiguredLookups_AreDeadLetteredNamingTheRow(string mode, string? eventName, string said)
    {
        _hub.Lookups.Partitions[TaskSignupSettings.LookupPartition] = new() { ["Mode"] = mode, ["EventName"] = eventName ?? "" };

        var settlement = await _hub.HandleAsync(CloudEvent("task_signup", "e-cfg", PlatformEventData.TaskSignup()));

        Assert.Equal((SettlementKind.DeadLetter, "TaskSignupMisconfigured"), (settlement.Kind, settlement.Reason));
        Assert.Contains(said, settlement.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubSpotUnavailable_IsAbandoned_HubSpotRefusingTheEvent_IsDeadLettered()
    {
        CustomEventMode();
        _hub.CustomEvents.Failure = new CustomEventOutcome(CustomEventOutcomeKind.Transient, new HubSpotError(503, "down"));
        var down = await _hub.HandleAsync(CloudEvent("task_signup", "e-11", PlatformEventData.TaskSignup(id: "ut-11")));
        _hub.CustomEvents.Failure = new CustomEventOutcome(CustomEventOutcomeKind.Permanent, new HubSpotError(400, "Property task_name does not exist on the event", "VALIDATION_ERROR"));
        var refused = await _hub.HandleAsync(CloudEvent("task_signup", "e-12", PlatformEventData.TaskSignup(id: "ut-12")));

        Assert.Equal((SettlementKind.Abandon, "HubSpotUnavailable"), (down.Kind, down.Reason));
        Assert.Equal((SettlementKind.DeadLetter, "HubSpotRejected"), (refused.Kind, refused.Reason));
        Assert.Equal(NotificationStatus.Failed, _hub.Row("ut-11", "task-signup").Status);
    }

    [Fact]
    public async Task IdsSentAsNumbers_AreReadAsText()
    {
        var data = PlatformEventData.TaskSignup();
        data["id"] = 12345;

        await _hub.HandleAsync(CloudEvent("task_signup", "e-13", data));

        Assert.Equal(NotificationStatus.Delivered, _hub.Row("12345", "task-signup").Status);
    }

    private void CustomEventMode() =>
        _hub.Lookups.Partitions[TaskSignupSettings.LookupPartition] = new() { ["Mode"] = "CustomEvent", ["EventName"] = "pe123_task_signup" };

    private static JsonObject Without(JsonObject data, string field)
    {
        data.Remove(field);
        return data;
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}
