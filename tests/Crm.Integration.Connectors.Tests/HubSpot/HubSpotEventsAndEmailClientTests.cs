using System.Text.Json;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Integration.Connectors.Tests.HubSpot;

/// <summary>Single-send, send status, custom events and contact lookup: against the simulator, and WireMock for failures.</summary>
public sealed class HubSpotEventsAndEmailClientTests
{
    [Fact]
    public async Task SingleSend_SendsEveryFieldHubSpotTakes_AndTheStatusTurnsComplete()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        await using var connector = new HubSpotConnector(simulator.BaseAddress);
        var email = Email("ada@example.com", "send-1") with
        {
            CustomProperties = new Dictionary<string, JsonElement> { ["activation_url"] = JsonSerializer.SerializeToElement("https://x.example/a") },
        };

        var answer = await connector.Email.SendAsync(email, CancellationToken.None);
        await Task.Delay(150);
        var status = await connector.Email.GetStatusAsync(answer.Status!.StatusId, CancellationToken.None);

        Assert.Equal((SendOutcomeKind.Answered, "PENDING"), (answer.Kind, answer.Status.Status));
        Assert.Equal(("COMPLETE", "SENT", true), (status.Status!.Status, status.Status.SendResult, status.Status.IsFinal));
        var request = Assert.Single(simulator.Portal.Emails).Request;
        Assert.Equal(42, (int)request["emailId"]!);
        Assert.Equal(("ada@example.com", "send-1", "Team <team@platform.example>"), ((string?)request["message"]!["to"], (string?)request["message"]!["sendId"], (string?)request["message"]!["from"]));
        Assert.Equal("reply@platform.example", (string?)request["message"]!["replyTo"]![0]);
        Assert.Equal("https://x.example/a", (string?)request["customProperties"]!["activation_url"]);
        Assert.Equal("Ada", (string?)request["contactProperties"]!["firstname"]);
    }

    [Fact]
    public async Task SingleSend_SameSendIdTwice_IsIdempotentIgnore_AndAnUndeliverableRecipientIsAnsweredAtOnce()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        await using var connector = new HubSpotConnector(simulator.BaseAddress);

        await connector.Email.SendAsync(Email("ada@example.com", "send-2"), CancellationToken.None);
        var repeat = await connector.Email.SendAsync(Email("ada@example.com", "send-2"), CancellationToken.None);
        var bounced = await connector.Email.SendAsync(Email("x@bounced.example", "send-3"), CancellationToken.None);

        Assert.Equal("IDEMPOTENT_IGNORE", repeat.Status!.SendResult);
        Assert.Equal(SendResultKind.AlreadySent, SendResults.Classify(repeat.Status.SendResult));
        Assert.Equal(("COMPLETE", "PREVIOUSLY_BOUNCED"), (bounced.Status!.Status, bounced.Status.SendResult));
        Assert.Equal(SendResultKind.Permanent, SendResults.Classify(bounced.Status.SendResult));
        Assert.Single(simulator.Portal.Emails);
    }

    [Fact]
    public async Task SingleSend_TakesNoPermitFromThePortalsBudget_ButReadingItsStatusDoes()
    {
        await using var simulator = await RunningSimulator.StartAsync(o => o.TenSecondlyLimit = 1);
        await using var connector = new HubSpotConnector(simulator.BaseAddress, settings: new() { ["HubSpot:RequestsPerTenSeconds"] = "1" });

        SendOutcome? last = null;
        for (var i = 0; i < 5; i++)
        {
            last = await connector.Email.SendAsync(Email($"u{i}@example.com", $"b-{i}"), CancellationToken.None);
            Assert.Equal(SendOutcomeKind.Answered, last.Kind);
        }

        Assert.Equal(1, connector.Limiter.GetStatistics()!.CurrentAvailablePermits);
        await connector.Email.GetStatusAsync(last!.Status!.StatusId, CancellationToken.None);
        Assert.Equal(0, connector.Limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    [Theory]
    [InlineData(400, SendOutcomeKind.Permanent, 1)]
    [InlineData(503, SendOutcomeKind.Transient, 4)]
    public async Task SingleSend_HubSpotError_IsClassified_AndOnlyTransientOnesAreRetried_WithTheSameSendId(int status, SendOutcomeKind expected, int calls)
    {
        using var hubSpot = WireMockServer.Start();
        hubSpot.Given(Request.Create().WithPath("/marketing/v3/transactional/single-email/send").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody("""{"status":"error","message":"nope for ada@example.com","category":"VALIDATION_ERROR","correlationId":"c-9"}"""));
        await using var connector = new HubSpotConnector(new Uri(hubSpot.Url!));

        var answer = await connector.Email.SendAsync(Email("ada@example.com", "send-4"), CancellationToken.None);

        Assert.Equal(expected, answer.Kind);
        Assert.Equal((status, "c-9"), (answer.Error!.Status, answer.Error.CorrelationId));
        Assert.DoesNotContain("ada@example.com", answer.Error.Message, StringComparison.Ordinal);
        Assert.Equal(calls, hubSpot.LogEntries.Count());
        Assert.All(hubSpot.LogEntries, e => Assert.Contains("\"sendId\":\"send-4\"", e.RequestMessage!.Body, StringComparison.Ordinal));
    }

    [Fact]
    public async Task MarketingEmail_KnownId_IsFoundWithItsName_AnUnknownOneIsNotFound_AndABrokenHubSpotIsUnknown()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        await using var connector = new HubSpotConnector(simulator.BaseAddress);
        using var broken = WireMockServer.Start();
        broken.Given(Request.Create().UsingGet()).RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"status":"error","message":"down","category":"INTERNAL_ERROR","correlationId":"c-1"}"""));
        await using var brokenConnector = new HubSpotConnector(new Uri(broken.Url!));

        var known = await connector.MarketingEmails.FindAsync(4242, CancellationToken.None);
        var unknown = await connector.MarketingEmails.FindAsync(777_000, CancellationToken.None);
        var down = await brokenConnector.MarketingEmails.FindAsync(4242, CancellationToken.None);

        Assert.Equal((MarketingEmailLookupKind.Found, "Welcome (the sample template's email)"), (known.Kind, known.EmailName));
        Assert.Equal(MarketingEmailLookupKind.NotFound, unknown.Kind);
        Assert.Equal((MarketingEmailLookupKind.Unknown, 503), (down.Kind, down.Error!.Status));
        Assert.Equal(4, broken.LogEntries.Count()); // a 503 is retried like any HubSpot read
    }

    [Fact]
    public async Task FindContact_ById_AndByEmail_AndNotFound()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        await using var connector = new HubSpotConnector(simulator.BaseAddress);
        var written = await connector.Contacts.UpsertByEmailAsync([new ContactChange("ada@example.com", new Dictionary<string, string>())], CancellationToken.None);

        var byId = await connector.Contacts.FindAsync(ContactKey.ById(written[0].ContactId!), CancellationToken.None);
        var byEmail = await connector.Contacts.FindAsync(ContactKey.ByEmail("Ada@Example.com"), CancellationToken.None);
        var missing = await connector.Contacts.FindAsync(ContactKey.ByEmail("nobody@example.com"), CancellationToken.None);

        Assert.Equal((ContactLookupKind.Found, written[0].ContactId, "ada@example.com"), (byId.Kind, byId.ContactId, byId.Email));
        Assert.Equal((ContactLookupKind.Found, written[0].ContactId), (byEmail.Kind, byEmail.ContactId));
        Assert.Equal(ContactLookupKind.NotFound, missing.Kind);
    }

    [Fact]
    public async Task CustomEvent_IsRecordedOnTheContact_OnceForTheSameUuid_AndAnUnknownContactIsNotFound()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        await using var connector = new HubSpotConnector(simulator.BaseAddress);
        var written = await connector.Contacts.UpsertByEmailAsync([new ContactChange("ada@example.com", new Dictionary<string, string>())], CancellationToken.None);
        var occurrence = new CustomEventOccurrence(
            "pe1_task_signup", written[0].ContactId!, new DateTimeOffset(2026, 11, 20, 8, 30, 0, TimeSpan.Zero), Guid.NewGuid(), new Dictionary<string, string> { ["task_name"] = "Count" });

        var first = await connector.CustomEvents.SendAsync(occurrence, CancellationToken.None);
        var repeat = await connector.CustomEvents.SendAsync(occurrence, CancellationToken.None);
        var unknown = await connector.CustomEvents.SendAsync(occurrence with { ContactId = "999999", Uuid = Guid.NewGuid() }, CancellationToken.None);

        Assert.Equal((CustomEventOutcomeKind.Recorded, CustomEventOutcomeKind.Recorded, CustomEventOutcomeKind.ContactNotFound), (first.Kind, repeat.Kind, unknown.Kind));
        var recorded = Assert.Single(simulator.Portal.Events);
        Assert.Equal((written[0].ContactId, "Count"), (recorded.ObjectId, (string?)recorded.Properties!["task_name"]));
        Assert.StartsWith("2026-11-20T08:30:00", recorded.OccurredAt, StringComparison.Ordinal);
    }

    private static SingleSendEmail Email(string to, string sendId) => new(
        42,
        to,
        sendId,
        "Team <team@platform.example>",
        ["reply@platform.example"],
        [],
        [],
        new Dictionary<string, JsonElement> { ["firstname"] = JsonSerializer.SerializeToElement("Ada") },
        new Dictionary<string, JsonElement>());
}
