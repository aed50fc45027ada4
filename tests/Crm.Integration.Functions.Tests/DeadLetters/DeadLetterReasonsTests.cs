using System.Text;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.DeadLetters;
using Crm.Integration.Functions.Tests.PlatformEvents;
using Crm.Integration.Testing;
using Crm.Integration.Testing.Fakes;

namespace Crm.Integration.Functions.Tests.DeadLetters;

/// <summary>Where the broker keeps no reason (RabbitMQ), the ledger row the handlers wrote gives it, found by the handlers' keys.</summary>
public sealed class DeadLetterReasonsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryLedger _ledger = new();

    private DeadLetterReasons Reasons => new(_ledger);

    [Fact]
    public async Task ABrokersReason_IsKept_WithoutAskingTheLedger()
    {
        _ledger.FailWith = new StorageUnavailableException("down");

        var letter = await Reasons.ResolveAsync(Letter("auth0-log-events", "log-1", "{}", reason: "NoEmail"), CancellationToken.None);

        Assert.Equal("NoEmail", letter.Reason);
    }

    [Fact]
    public async Task Auth0Queue_TheRowOfTheLogId_GivesCodeAndDescription()
    {
        await RejectAsync("log-2", "auth0", "NoEmail: No email in the log nor in the Auth0 profile.");

        var letter = await Reasons.ResolveAsync(Letter("auth0-log-events", "log-2", "{}"), CancellationToken.None);

        Assert.Equal(("NoEmail", "No email in the log nor in the Auth0 profile."), (letter.Reason, letter.Description));
    }

    [Fact]
    public async Task PlatformQueue_AnEmail_IsFoundByTheEventIdInsideTheCloudEvent()
    {
        await RejectAsync("evt-7", "email", "UndeclaredProperty: 'voucher' is not declared.");
        var body = PlatformEventsHarness.CloudEvent("transactional_email", "evt-7", PlatformEventsHarness.EmailData());

        var letter = await Reasons.ResolveAsync(Letter("platform-events", "message-id-differs", body), CancellationToken.None);

        Assert.Equal(("UndeclaredProperty", "'voucher' is not declared."), (letter.Reason, letter.Description));
        Assert.Equal("transactional_email", letter.Subject); // a structured CloudEvent has no subject: its type stands in
    }

    [Fact]
    public async Task PlatformQueue_ATaskSignup_IsFoundByItsUserTaskId()
    {
        await RejectAsync("ut-9", "task-signup", "NoContactKey: no crm_id, email or user.");
        var body = PlatformEventsHarness.CloudEvent("task_signup", "evt-9", PlatformEventData.TaskSignup(id: "ut-9"));

        var letter = await Reasons.ResolveAsync(Letter("platform-events", "evt-9", body), CancellationToken.None);

        Assert.Equal("NoContactKey", letter.Reason);
    }

    [Fact]
    public async Task PlatformQueue_AnUnreadableEvent_IsFoundByItsMessageIdOnThePlatformChannel()
    {
        await RejectAsync("m-bad", "platform", "MalformedEvent: The body is not JSON (line 0, byte 0).");

        var letter = await Reasons.ResolveAsync(Letter("platform-events", "m-bad", "not json"), CancellationToken.None);

        Assert.Equal("MalformedEvent", letter.Reason);
    }

    [Fact]
    public async Task ARowStillFailing_MeansTheDeliveryLimit_WithTheLastFailureAsDescription()
    {
        var receipt = new NotificationReceipt("log-3", "auth0", "user-login", At);
        await _ledger.AdmitAsync(receipt, CancellationToken.None);
        await _ledger.RecordOutcomeAsync(receipt, new NotificationOutcome(NotificationStatus.Failed, "HubSpotUnavailable: 503"), CancellationToken.None);

        var letter = await Reasons.ResolveAsync(Letter("auth0-log-events", "log-3", "{}"), CancellationToken.None);

        Assert.Equal("MaxDeliveryCountExceeded", letter.Reason);
        Assert.Contains("HubSpotUnavailable: 503", letter.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoRow_LeavesTheReasonUnknown()
    {
        var letter = await Reasons.ResolveAsync(Letter("auth0-log-events", "never-seen", "{}"), CancellationToken.None);

        Assert.Null(letter.Reason);
    }

    private Task RejectAsync(string sourceId, string channel, string reason) =>
        _ledger.RecordRejectedAsync(new NotificationReceipt(sourceId, channel, "t", At), reason, CancellationToken.None);

    private static DeadLetter Letter(string queue, string messageId, string body, string? reason = null) =>
        new(queue, 1, messageId, null, "application/json", reason, null, At, 0, Encoding.UTF8.GetBytes(body));
}
