using System.Text.Json.Nodes;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Testing;
using static Crm.Integration.Functions.Tests.PlatformEvents.PlatformEventsHarness;

namespace Crm.Integration.Functions.Tests.PlatformEvents;

/// <summary>transactional_email from queue message to single-send, ledger row and settlement, against in-memory connectors.</summary>
public sealed class TransactionalEmailTests : IAsyncDisposable
{
    private readonly PlatformEventsHarness _hub = new();

    [Fact]
    public async Task Send_MapsTheTemplate_DerivesTheSendIdFromTheEventId_AndCompletesOnceHubSpotAccepted()
    {
        var settlement = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-1", EmailData(custom: new JsonObject { ["activation_url"] = "https://x.example/a", ["promo_code"] = 42 })));

        Assert.Equal(SettlementKind.Complete, settlement.Kind);
        var sent = Assert.Single(_hub.Email.Sent);
        Assert.Equal((4242L, "ada.lovelace@example.com", "Platform <hello@platform.example>"), (sent.EmailId, sent.To, sent.From));
        Assert.Equal(["support@platform.example"], sent.ReplyTo);
        Assert.Equal(["cc@platform.example"], sent.Cc);
        Assert.Equal(SendIds.For("evt-1"), sent.SendId);
        Assert.Equal("Ada", sent.ContactProperties["firstname"].GetString());
        Assert.Equal(42, sent.CustomProperties["promo_code"].GetInt32());
        var row = _hub.Row("evt-1", TransactionalEmailHandler.Channel);
        Assert.Equal((NotificationStatus.Delivered, "welcome", PersonalData.Fingerprint("ada.lovelace@example.com"), "PENDING"), (row.Status, row.Template, row.Recipient, row.Result));
        Assert.DoesNotContain("ada", row.Recipient, StringComparison.OrdinalIgnoreCase);
        Assert.NotNull(row.HubSpotId);
    }

    [Fact]
    public async Task AcceptedSend_ItsFinalResultIsFollowedOffTheMessagePath_IntoTheLedger()
    {
        await _hub.HandleAsync(CloudEvent("transactional_email", "evt-2", EmailData()));
        Assert.Equal(1, _hub.Watcher.Watching);

        await Eventually.TrueAsync(() => Task.FromResult(PollTime() && _hub.Row("evt-2", "email").Result == "SENT"), TimeSpan.FromSeconds(5), "the final result in the ledger");

        Assert.Equal(NotificationStatus.Delivered, _hub.Row("evt-2", "email").Status);
        await Eventually.TrueAsync(() => Task.FromResult(_hub.Watcher.Watching == 0), TimeSpan.FromSeconds(5), "the watch to end");
    }

    [Fact]
    public async Task FinalResultThatIsARejection_IsWrittenToTheRow_AfterTheMessageWasCompleted()
    {
        _hub.Email.FinalResult = "PREVIOUS_SPAM";
        var settlement = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-3", EmailData()));

        await Eventually.TrueAsync(() => Task.FromResult(PollTime() && _hub.Row("evt-3", "email").Status == NotificationStatus.Rejected), TimeSpan.FromSeconds(5), "the rejection in the ledger");

        Assert.Equal(SettlementKind.Complete, settlement.Kind);
        Assert.Equal("PREVIOUS_SPAM", _hub.Row("evt-3", "email").Result);
        Assert.Contains("PREVIOUS_SPAM", _hub.Row("evt-3", "email").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameEventTwice_AfterItWasSettled_SendsOnce_AndCountsTheDuplicate()
    {
        var body = CloudEvent("transactional_email", "evt-4", EmailData());

        await _hub.HandleAsync(body);
        var again = await _hub.HandleAsync(body);

        Assert.Equal(SettlementKind.Complete, again.Kind);
        Assert.Single(_hub.Email.Requests);
        Assert.Equal(1, _hub.Row("evt-4", "email").DuplicatesSeen);
    }

    [Fact]
    public async Task RedeliveryAfterACrashBetweenSendAndSettle_AsksForTheSameSendId_AndHubSpotSendsNothingMore()
    {
        var body = CloudEvent("transactional_email", "evt-5", EmailData());
        await _hub.HandleAsync(body);
        // The crash: the email went out, but the ledger row never got its outcome and the message comes back.
        await _hub.Ledger.RecordOutcomeAsync(new NotificationReceipt("evt-5", "email", "transactional-email", PlatformEventsHarness.Now), new NotificationOutcome(NotificationStatus.Received), CancellationToken.None);

        var again = await _hub.HandleAsync(body);

        Assert.Equal(SettlementKind.Complete, again.Kind);
        Assert.Equal(2, _hub.Email.Requests.Count);
        Assert.Single(_hub.Email.Sent);
        Assert.Equal(("IDEMPOTENT_IGNORE", NotificationStatus.Delivered), (_hub.Row("evt-5", "email").Result, _hub.Row("evt-5", "email").Status));
    }

    [Fact]
    public async Task RecipientById_IsResolvedThroughAuth0_OnceForSeveralEmails()
    {
        await _hub.HandleAsync(CloudEvent("transactional_email", "evt-6", EmailData(to: null, toId: "auth0|ada")));
        await _hub.HandleAsync(CloudEvent("transactional_email", "evt-7", EmailData(to: null, toId: "auth0|ada")));

        Assert.All(_hub.Email.Sent, s => Assert.Equal("ada.lovelace@example.com", s.To));
        Assert.Equal(2, _hub.Email.Sent.Count);
        Assert.Equal(1, _hub.Auth0.Reads);
    }

    [Fact]
    public async Task TemplateEdited_IsUsedOnceTheCacheExpires()
    {
        await _hub.HandleAsync(CloudEvent("transactional_email", "evt-8", EmailData()));
        _hub.Templates.Templates["welcome"] = _hub.Templates.Templates["welcome"] with { HubSpotEmailId = 5000 };

        await _hub.HandleAsync(CloudEvent("transactional_email", "evt-9", EmailData()));
        _hub.Time.Advance(_hub.Options.TemplateCacheFor);
        await _hub.HandleAsync(CloudEvent("transactional_email", "evt-10", EmailData()));

        Assert.Equal([4242L, 4242L, 5000L], _hub.Email.Sent.Select(s => s.EmailId));
    }

    public static TheoryData<string, JsonObject, string, string> Rejections => new()
    {
        { "unknown template", EmailData(template: "no_such_template"), "UnknownTemplate", "'no_such_template'" },
        { "no template name", Without(EmailData(), "template_name"), "MissingTemplateName", "template_name" },
        { "no recipient", EmailData(to: null), "MissingRecipient", "neither to_recipient_email nor to_recipient_id" },
        { "recipient id unknown", EmailData(to: null, toId: "auth0|nobody"), "RecipientUnknown", "'auth0|nobody'" },
        { "recipient without email", EmailData(to: null, toId: "auth0|no-email"), "RecipientWithoutEmail", "has no email" },
        { "invalid email", EmailData(to: "not-an-address"), "InvalidRecipientEmail", "not a valid email" },
        { "required contact property missing", EmailData(contact: new JsonObject()), "MissingRequiredProperty", "required contact property 'firstname'" },
        { "required custom property empty", EmailData(custom: new JsonObject { ["activation_url"] = " " }), "MissingRequiredProperty", "required custom property 'activation_url'" },
        { "undeclared property", EmailData(custom: new JsonObject { ["activation_url"] = "u", ["discount"] = "10%" }), "UndeclaredProperty", "custom property 'discount' is not declared" },
        { "data of the wrong shape", new JsonObject { ["template_name"] = 12 }, "MalformedEvent", "expected shape" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public async Task Rejection_IsDeadLetteredAtOnce_WithTheReason_AndRecordedInTheLedger(string because, JsonObject data, string reason, string said)
    {
        var settlement = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-bad", data));

        Assert.Equal((SettlementKind.DeadLetter, reason), (settlement.Kind, settlement.Reason));
        Assert.Contains(said, settlement.Description, StringComparison.Ordinal);
        var row = _hub.Row("evt-bad", "email");
        Assert.Equal(NotificationStatus.Rejected, row.Status);
        Assert.StartsWith(reason, row.LastError, StringComparison.Ordinal);
        Assert.True(_hub.Email.Requests.IsEmpty, $"{because}: nothing may be sent");
        Assert.DoesNotContain("ada.lovelace", row.LastError, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TemplateRowThatCannotBeRead_IsDeadLetteredAsMisconfigured()
    {
        _hub.Templates.Broken.Add("welcome");

        var settlement = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-broken", EmailData()));

        Assert.Equal((SettlementKind.DeadLetter, "TemplateMisconfigured"), (settlement.Kind, settlement.Reason));
        Assert.Contains("HubSpotEmailId", _hub.Row("evt-broken", "email").LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INVALID_TO_ADDRESS")]
    [InlineData("BLOCKED_DOMAIN")]
    [InlineData("PREVIOUSLY_BOUNCED")]
    [InlineData("PREVIOUS_SPAM")]
    [InlineData("EMAIL_DISABLED")]
    [InlineData("MISSING_TEMPLATE_PROPERTIES")]
    public async Task HubSpotSendResultThatCannotSucceed_IsDeadLettered_AndTheResultKept(string sendResult)
    {
        _hub.Email.ImmediateResult = sendResult;

        var settlement = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-hs", EmailData()));

        Assert.Equal((SettlementKind.DeadLetter, "EmailNotSent"), (settlement.Kind, settlement.Reason));
        Assert.Contains(sendResult, settlement.Description, StringComparison.Ordinal);
        var row = _hub.Row("evt-hs", "email");
        Assert.Equal((NotificationStatus.Rejected, sendResult, "welcome"), (row.Status, row.Result, row.Template));
    }

    [Fact]
    public async Task HubSpot400_IsDeadLetteredAsRejected()
    {
        _hub.Email.Failure = new SendOutcome(SendOutcomeKind.Permanent, Error: new HubSpotError(400, "emailId 4242 is not a published transactional email", "VALIDATION_ERROR", "c-1"));

        var settlement = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-400", EmailData()));

        Assert.Equal((SettlementKind.DeadLetter, "HubSpotRejected"), (settlement.Kind, settlement.Reason));
        Assert.Contains("correlationId c-1", _hub.Row("evt-400", "email").LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HubSpotUnavailableOrThrottled_IsAbandonedForRedelivery_WithTheSameSendIdNextTime()
    {
        _hub.Email.Failure = new SendOutcome(SendOutcomeKind.Transient, Error: new HubSpotError(503, "down"));
        var first = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-503", EmailData()));
        _hub.Email.Failure = null;
        _hub.Email.ImmediateResult = "THROTTLED";
        var second = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-thr", EmailData()));

        Assert.Equal((SettlementKind.Abandon, "HubSpotUnavailable"), (first.Kind, first.Reason));
        Assert.Equal((SettlementKind.Abandon, "EmailThrottled"), (second.Kind, second.Reason));
        Assert.Equal(NotificationStatus.Failed, _hub.Row("evt-503", "email").Status);
        Assert.Equal(SendIds.For("evt-503"), _hub.Email.Requests.First().SendId);
    }

    [Fact]
    public async Task Auth0Unavailable_IsAbandoned()
    {
        _hub.Auth0.Unavailable = true;

        var settlement = await _hub.HandleAsync(CloudEvent("transactional_email", "evt-a0", EmailData(to: null, toId: "auth0|ada")));

        Assert.Equal((SettlementKind.Abandon, "Auth0Unavailable"), (settlement.Kind, settlement.Reason));
        Assert.Equal(NotificationStatus.Failed, _hub.Row("evt-a0", "email").Status);
    }

    [Fact]
    public async Task StorageDown_IsHeldThenAbandoned_AndNothingIsSent()
    {
        _hub.Ledger.FailWith = new StorageUnavailableException("down (test)");

        var handling = _hub.HandleAsync(CloudEvent("transactional_email", "evt-st", EmailData()));
        await Task.Delay(100);
        Assert.False(handling.IsCompleted);
        _hub.Time.Advance(Crm.Integration.Functions.Common.FailurePolicy.StorageOutageHold);
        var settlement = await handling.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal((SettlementKind.Abandon, "StorageUnavailable"), (settlement.Kind, settlement.Reason));
        Assert.Empty(_hub.Email.Requests);
    }

    [Fact]
    public async Task UnreadableMessage_IsRecordedUnderItsMessageId_AndDeadLettered()
    {
        var settlement = await _hub.HandleAsync("{oops", subject: "transactional_email", messageId: "m-77");

        Assert.Equal((SettlementKind.DeadLetter, "MalformedEvent"), (settlement.Kind, settlement.Reason));
        var row = _hub.Row("m-77", "platform");
        Assert.Equal((NotificationStatus.Rejected, "transactional_email"), (row.Status, row.Type));
    }

    /// <summary>Moves the clock to the next look at the send status; the watcher may start its wait only after a first move.</summary>
    private bool PollTime()
    {
        _hub.Time.Advance(_hub.Options.SendStatusFirstPoll);
        return true;
    }

    private static JsonObject Without(JsonObject data, string field)
    {
        data.Remove(field);
        return data;
    }

    public ValueTask DisposeAsync() => _hub.DisposeAsync();
}
