using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amqp;
using Amqp.Framing;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests.DeadLetters;

/// <summary>
/// Dead-letter peek and replay through the whole hub on the local broker (issue 20 §2): an email dead-lettered for an
/// undeclared property, the template fixed through the admin API, replayed by reason, sent once; a dry run changes
/// nothing; a message the ledger shows delivered is not acted on twice; who may do what.
/// </summary>
[Collection(DeadLetterHubCollection.Name)]
public sealed class DeadLettersEndToEndTests(DeadLetterHubFixture hub)
{
    private const string Route = "/api/admin/dead-letters";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task UndeclaredProperty_TemplateFixedThroughTheAdminApi_ReplayedByReason_TheEmailIsSentOnce()
    {
        var run = LogStreamRequests.RunId();
        var (template, to, id) = ($"replay-{run}", $"replay-{run}@example.com", $"{run}-email");
        var mapping = Mapping(template, "activation_url");
        using var created = await AdminRequests.SendAsync(hub.Client, "POST", "/api/admin/templates", hub.Writer, mapping);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await hub.PublishAsync(CloudEvent(id, template, to, ("coupon", "C-1")));
        var listed = await Eventually.GetAsync(async () => (await ListAsync($"?queue=platform-events&reason=UndeclaredProperty", hub.Reader))
            .FirstOrDefault(i => (string?)i["messageId"] == id), Patience, "the email in the dead-letter list");

        Assert.Equal(("platform-events", "UndeclaredProperty", "transactional_email"), ((string?)listed["queue"], (string?)listed["reason"], (string?)listed["eventType"]));
        Assert.Contains("coupon", (string?)listed["description"], StringComparison.Ordinal);
        Assert.True(TimeProvider.System.GetUtcNow() - (DateTimeOffset)listed["enqueuedTime"]! < TimeSpan.FromMinutes(5));
        Assert.Equal(0, (int)listed["deliveryCount"]!);

        // A dry run (the default) reports what it would replay and changes nothing.
        using var dry = await AdminRequests.SendAsync(hub.Client, "POST", Route + "/replay", hub.Operator, new JsonObject { ["queue"] = "platform-events", ["reasons"] = new JsonArray("UndeclaredProperty") });
        var dryReport = await AdminRequests.JsonAsync(dry);
        Assert.Equal(HttpStatusCode.OK, dry.StatusCode);
        Assert.Equal((true, 0), ((bool)dryReport["dryRun"]!, (int)dryReport["replayed"]!));
        Assert.Contains(id, dryReport["ids"]!.AsArray().Select(i => (string?)i));
        Assert.Contains(await ListAsync("?queue=platform-events", hub.Reader), i => (string?)i["messageId"] == id);
        Assert.Equal(NotificationStatus.Rejected, (await hub.Ledger.FindAsync(id, TransactionalEmailHandler.Channel, CancellationToken.None))!.Status);

        // The fix, then the replay by reason.
        mapping["custom_properties"]!.AsArray().Add(new JsonObject { ["name"] = "coupon", ["required"] = false });
        using var edited = await AdminRequests.SendAsync(hub.Client, "PUT", $"/api/admin/templates/{template}", hub.Writer, mapping, created.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        await Task.Delay(TimeSpan.FromMilliseconds(400)); // the template cache (0.3 s here)
        using var replay = await AdminRequests.SendAsync(hub.Client, "POST", Route + "/replay", hub.Operator,
            new JsonObject { ["queue"] = "platform-events", ["reasons"] = new JsonArray("UndeclaredProperty"), ["ids"] = new JsonArray(id), ["dryRun"] = false });
        var report = await AdminRequests.JsonAsync(replay);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal((false, 1, 1), ((bool)report["dryRun"]!, (int)report["matched"]!, (int)report["replayed"]!));
        Assert.Equal([id], report["ids"]!.AsArray().Select(i => (string?)i));
        Assert.Equal(1, (int)report["byQueue"]!["platform-events"]!["replayed"]!);
        var row = await Eventually.GetAsync(async () => await hub.Ledger.FindAsync(id, TransactionalEmailHandler.Channel, CancellationToken.None) is { Status: NotificationStatus.Delivered } r ? r : null, Patience, "the replayed email delivered");
        Assert.Equal(2, row.Attempts);
        var sent = Assert.Single(hub.HubSpot.Portal.Emails, e => e.To == to);
        Assert.Equal(("C-1", SendIds.For(id)), ((string?)sent.Request["customProperties"]!["coupon"], sent.SendId));
        Assert.DoesNotContain(await ListAsync("?queue=platform-events", hub.Reader), i => (string?)i["messageId"] == id);

        using var audit = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/operations/audit/dead-letter-replay", hub.Operator);
        var entry = (await AdminRequests.JsonAsync(audit))["items"]!.AsArray().First(e => (string?)e!["subject"] == "replay" && e["details"]!.ToJsonString().Contains(id, StringComparison.Ordinal))!;
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.Equal("Olga Operator (auth0|olga)", (string?)entry["by"]);
        Assert.Equal(("platform-events", 1), ((string?)entry["details"]!["filter"]!["queue"], (int)entry["details"]!["report"]!["replayed"]!));
        Assert.DoesNotContain(to, entry.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Replay_OfAMessageTheLedgerShowsDelivered_DoesNothingTwice()
    {
        var run = LogStreamRequests.RunId();
        var (template, to, id) = ($"done-{run}", $"done-{run}@example.com", $"{run}-done");
        using var created = await AdminRequests.SendAsync(hub.Client, "POST", "/api/admin/templates", hub.Writer, Mapping(template, "activation_url"));
        var message = CloudEvent(id, template, to);
        await hub.PublishAsync(message);
        await Eventually.TrueAsync(async () => (await hub.Ledger.FindAsync(id, TransactionalEmailHandler.Channel, CancellationToken.None))?.Status == NotificationStatus.Delivered, Patience, "the email delivered");
        // The same message in the dead-letter queue as well, as a settlement lost after the send would leave it.
        await hub.Raw.SendAsync(DeadLetterHubFixture.PlatformQueue + ".dlq", CloudEvent(id, template, to));

        using var replay = await AdminRequests.SendAsync(hub.Client, "POST", Route + "/replay", hub.Operator, new JsonObject { ["ids"] = new JsonArray(id), ["dryRun"] = false });
        var report = await AdminRequests.JsonAsync(replay);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal((1, 1, 0), ((int)report["replayed"]!, (int)report["byQueue"]!["platform-events"]!["replayed"]!, (int)report["byQueue"]!["auth0-log-events"]!["matched"]!));
        var row = await Eventually.GetAsync(async () => await hub.Ledger.FindAsync(id, TransactionalEmailHandler.Channel, CancellationToken.None) is { DuplicatesSeen: 1 } r ? r : null, Patience, "the replay counted as a duplicate");
        Assert.Equal((NotificationStatus.Delivered, 1), (row.Status, row.Attempts));
        Assert.Single(hub.HubSpot.Portal.Emails, e => e.To == to);
    }

    [Fact]
    public async Task Permissions_ReaderMayPeekNotReplay_WriterNeither_OperatorBoth()
    {
        var dryRun = new JsonObject { ["queue"] = "auth0-log-events" };
        using var none = await AdminRequests.SendAsync(hub.Client, "GET", Route, token: null);
        using var readerPeek = await AdminRequests.SendAsync(hub.Client, "GET", Route, hub.Reader);
        using var readerReplay = await AdminRequests.SendAsync(hub.Client, "POST", Route + "/replay", hub.Reader, dryRun);
        using var writerReplay = await AdminRequests.SendAsync(hub.Client, "POST", Route + "/replay", hub.Writer, dryRun);
        using var operatorPeek = await AdminRequests.SendAsync(hub.Client, "GET", Route, hub.Operator);
        using var operatorReplay = await AdminRequests.SendAsync(hub.Client, "POST", Route + "/replay", hub.Operator, dryRun);
        using var noPermission = await AdminRequests.SendAsync(hub.Client, "GET", Route, hub.Issuer.Mint("auth0|nobody", ["some-other:permission"]));

        Assert.Equal(
            (HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Forbidden),
            (none.StatusCode, readerPeek.StatusCode, readerReplay.StatusCode, writerReplay.StatusCode, operatorPeek.StatusCode, operatorReplay.StatusCode, noPermission.StatusCode));
        var page = await AdminRequests.JsonAsync(readerPeek);
        Assert.NotNull(page["items"]);
        Assert.True((bool)(await AdminRequests.JsonAsync(operatorReplay))["dryRun"]!);
    }

    [Theory]
    [InlineData("""{"queue":"orders"}""", "'queue' must be one of")]
    [InlineData("""{"reasons":"UndeclaredProperty"}""", "'reasons' must be an array")]
    [InlineData("""{"before":"tomorrow"}""", "'before' must be a date and time")]
    [InlineData("""{"dryRun":"no"}""", "'dryRun' must be true or false")]
    [InlineData("""{"queue":""", "Malformed JSON")]
    public async Task Replay_BadBody_Is400NamingTheProblem_NothingReplayed(string body, string said)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route + "/replay") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", hub.Operator);
        using var response = await hub.Client.SendAsync(request);
        var problem = await AdminRequests.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(said, $"{problem["title"]} {problem["detail"]}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?queue=orders", "'queue' must be one of")]
    [InlineData("?max=0", "'max' must be a whole number from 1 to 200")]
    [InlineData("?max=many", "'max' must be a whole number")]
    [InlineData("?after=nowhere", "'after' must be a 'next' value")]
    [InlineData("?queue=auth0-log-events&after=platform-events:3", "for the same queue")]
    public async Task List_BadQuery_Is400NamingTheParameter(string query, string said)
    {
        using var response = await AdminRequests.SendAsync(hub.Client, "GET", Route + query, hub.Reader);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(said, (string?)(await AdminRequests.JsonAsync(response))["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_Pages_WithTheCursorItAnswers()
    {
        var run = LogStreamRequests.RunId();
        foreach (var n in Enumerable.Range(1, 3))
        {
            await hub.Raw.SendAsync(DeadLetterHubFixture.Auth0Queue + ".dlq", RawAmqp.JsonMessage($"{run}-log-{n}", "s", Encoding.UTF8.GetBytes(new JsonObject { ["log_id"] = $"{run}-log-{n}", ["data"] = new JsonObject { ["type"] = "s" } }.ToJsonString())));
        }

        var ours = new List<string?>();
        string? after = null;
        for (var page = 0; page < 50; page++)
        {
            using var response = await AdminRequests.SendAsync(hub.Client, "GET", $"{Route}?queue=auth0-log-events&max=2{(after is null ? "" : "&after=" + Uri.EscapeDataString(after))}", hub.Reader);
            var body = await AdminRequests.JsonAsync(response);
            Assert.True(body["items"]!.AsArray().Count <= 2);
            ours.AddRange(body["items"]!.AsArray().Select(i => (string?)i!["messageId"]).Where(i => i!.StartsWith(run, StringComparison.Ordinal)));
            after = (string?)body["next"];
            if (after is null)
            {
                break;
            }
        }

        Assert.Equal([$"{run}-log-1", $"{run}-log-2", $"{run}-log-3"], ours);
        await hub.Raw.DrainAsync(DeadLetterHubFixture.Auth0Queue + ".dlq", TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task BrokerDown_ListAndReplay_Are503Problems_NotStackTraces()
    {
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"E2eDlqDown{Guid.NewGuid():N}"[..24], hub.HubSpot.BaseAddress);
        settings["ServiceBus:Port"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture); // nobody listens there
        foreach (var (key, value) in hub.Issuer.Settings)
        {
            settings[key] = value;
        }

        await using var factory = new HubFactory(settings);
        using var client = factory.CreateClient();
        using var list = await AdminRequests.SendAsync(client, "GET", Route, hub.Reader);
        using var replay = await AdminRequests.SendAsync(client, "POST", Route + "/replay", hub.Operator, new JsonObject { ["dryRun"] = false });

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (list.StatusCode, replay.StatusCode));
        var problem = await AdminRequests.JsonAsync(replay);
        Assert.Equal("Not available now", (string?)problem["title"]);
        Assert.Contains("broker cannot be reached", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", problem.ToJsonString(), StringComparison.Ordinal);
    }

    private async Task<List<JsonNode>> ListAsync(string query, string token)
    {
        using var response = await AdminRequests.SendAsync(hub.Client, "GET", Route + query + (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "max=200", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await AdminRequests.JsonAsync(response))["items"]!.AsArray().Select(i => i!).ToList();
    }

    private static JsonObject Mapping(string name, params string[] custom) => new()
    {
        ["name"] = name,
        ["hubspot_email_id"] = 4242,
        ["contact_properties"] = new JsonArray(),
        ["custom_properties"] = new JsonArray(custom.Select(c => (JsonNode)new JsonObject { ["name"] = c, ["required"] = true }).ToArray()),
    };

    /// <summary>A structured CloudEvent whose message id is its event id, as the Service Bus SDKs let publishers do.</summary>
    private static Message CloudEvent(string id, string template, string to, (string Name, string Value)? extra = null)
    {
        var custom = new JsonObject { ["activation_url"] = "https://platform.example/a" };
        if (extra is { } field)
        {
            custom[field.Name] = field.Value;
        }

        var body = new JsonObject
        {
            ["specversion"] = "1.0",
            ["type"] = "transactional_email",
            ["source"] = "/e2e",
            ["id"] = id,
            ["time"] = "2026-12-02T09:00:00Z",
            ["data"] = new JsonObject { ["template_name"] = template, ["to_recipient_email"] = to, ["custom_properties"] = custom },
        };
        return new Message
        {
            Header = new Header { Durable = true },
            // RabbitMQ stamps no enqueued time: the sender's creation time stands in, as for the hub's own messages.
            Properties = new Properties { MessageId = id, ContentType = "application/json", CreationTime = TimeProvider.System.GetUtcNow().UtcDateTime },
            BodySection = new Data { Binary = Encoding.UTF8.GetBytes(body.ToJsonString()) },
        };
    }
}
