using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// Auth0 delivery → webhook → queue → trigger → ledger, through a broker and Azurite. Runs on each transport: see
/// <see cref="LogStreamEndToEndTests"/> (AMQP, RabbitMQ) and <see cref="LogStreamOnServiceBusSdkEndToEndTests"/>
/// (Microsoft's client, the Service Bus double).
/// </summary>
public abstract class LogStreamEndToEndSuite(ILogStreamHub hub)
{
    /// <summary>The transport readiness must name (<c>ServiceBus:Transport</c>).</summary>
    protected abstract string Transport { get; }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static readonly string[] Mixed =
    [
        "s__elastic__db-login-universal.json", "ss__elastic__db-signup.json", "s__mg177__google-social-login.json",
        "ss__go-auth0__mgmt-api-created-user-username.json", "slo__elastic__logout.json", "f__elastic__callback-mismatch-no-user.json",
    ];

    [Fact]
    public async Task Post_LoginsSignupsAndOthers_ForwardsLoginsAndSignupsToTheLedger_IgnoresTheRest()
    {
        var envelopes = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), Mixed);

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(envelopes)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal((6, 4, 2, 0), ((int)receipt!["received"]!, (int)receipt["forwarded"]!, (int)receipt["ignored"]!, (int)receipt["rejected"]!));
        foreach (var (envelope, expectedType) in envelopes.Zip(new[] { "user-login", "user-registration", "user-login", "user-registration" }))
        {
            var row = await RowAsync(Auth0Fixtures.LogIdOf(envelope));
            Assert.Equal((expectedType, NotificationStatus.Delivered, 0), (row.Type, row.Status, row.DuplicatesSeen));
            if (expectedType == "user-registration")
            {
                // A login may be settled without a write (a later one of the same contact is there already); a signup always writes.
                Assert.NotNull(row.HubSpotId);
            }
        }

        await Task.Delay(500);
        Assert.Null(await hub.Ledger.FindAsync(Auth0Fixtures.LogIdOf(envelopes[4]), "auth0", CancellationToken.None));
        Assert.Null(await hub.Ledger.FindAsync(Auth0Fixtures.LogIdOf(envelopes[5]), "auth0", CancellationToken.None));
    }

    [Theory]
    [InlineData("array")]
    [InlineData("lines")]
    [InlineData("object")]
    public async Task Post_EachAuth0ContentFormat_LandsInTheLedger(string format)
    {
        var envelopes = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), "s__elastic__first-login-with-consent.json", "ss__elastic__db-signup-2.json");
        var (body, contentType) = format switch
        {
            "array" => (Auth0Fixtures.AsArray(envelopes), "application/json"),
            "lines" => (Auth0Fixtures.AsJsonLines(envelopes), "application/x-ndjson"),
            _ => (Auth0Fixtures.AsObject(envelopes[0]), "application/json; charset=utf-8"),
        };

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(body, contentType: contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await RowAsync(Auth0Fixtures.LogIdOf(envelopes[0]));
        if (format != "object")
        {
            await RowAsync(Auth0Fixtures.LogIdOf(envelopes[1]));
        }
    }

    [Fact]
    public async Task Post_SameDeliveryTwice_OneRowPerLogId_TheRepeatCountedAsDuplicate()
    {
        var envelopes = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), "s__elastic__db-login-universal.json", "ss__elastic__db-signup.json");
        var body = Auth0Fixtures.AsArray(envelopes);

        using var first = await hub.Client.SendAsync(LogStreamRequests.Post(body));
        foreach (var envelope in envelopes)
        {
            await RowAsync(Auth0Fixtures.LogIdOf(envelope));
        }

        using var second = await hub.Client.SendAsync(LogStreamRequests.Post(body));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, second.StatusCode));
        foreach (var envelope in envelopes)
        {
            var row = await Eventually.GetAsync(
                async () => await hub.Ledger.FindAsync(Auth0Fixtures.LogIdOf(envelope), "auth0", CancellationToken.None) is { DuplicatesSeen: 1 } r ? r : null,
                Patience, "the duplicate to be counted");
            Assert.Equal(NotificationStatus.Delivered, row.Status);
        }
    }

    [Fact]
    public async Task Post_EntryWithoutLogId_IsRecordedAsRejected_AndTheRestGoesOn()
    {
        var runId = LogStreamRequests.RunId();
        var good = LogStreamRequests.Envelopes(runId, "s__elastic__db-login-universal.json")[0];
        var bad = new JsonObject { ["data"] = new JsonObject { ["type"] = "s", ["description"] = runId } };

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsJsonLines([good, bad])));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["rejected"]!);
        await RowAsync(Auth0Fixtures.LogIdOf(good));
        var rejectedId = "sha256-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(bad.ToJsonString())));
        var rejected = await hub.Ledger.FindAsync(rejectedId, "auth0", CancellationToken.None);
        Assert.Equal((NotificationStatus.Rejected, "Entry 2 has no log_id."), (rejected!.Status, rejected.LastError));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong")]
    [InlineData("e2e-log-stream-token-but-longer")]
    [InlineData("Bearer e2e-log-stream-token")]
    public async Task Post_WithoutTheRightToken_Is401WithNoDetail_AndNothingIsForwarded(string? token)
    {
        var envelopes = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), "s__elastic__db-login-universal.json");

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(envelopes), token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        await Task.Delay(500);
        Assert.Null(await hub.Ledger.FindAsync(Auth0Fixtures.LogIdOf(envelopes[0]), "auth0", CancellationToken.None));
    }

    [Fact]
    public async Task Post_NotJson_Is400SayingWhere()
    {
        using var response = await hub.Client.SendAsync(LogStreamRequests.Post("[{\"log_id\":\"1\",\n \"data\": {]"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(2, (int)problem!["line"]!);
        Assert.Contains("At line 2, byte", (string)problem["detail"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_OtherContentType_Is415()
    {
        using var response = await hub.Client.SendAsync(LogStreamRequests.Post("a=b"u8.ToArray(), contentType: "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_BodyOverTheLimit_Is413_WithOrWithoutContentLength(bool withLength)
    {
        var payload = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("{\"log_id\":\"x\",\"data\":{\"type\":\"s\"}}", 200_000)) + "]");
        Assert.True(payload.Length > 5 * 1024 * 1024);
        using var request = LogStreamRequests.Post(payload);
        if (!withLength)
        {
            request.Content = new StreamContent(new MemoryStream(payload));
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await hub.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task QueueMessage_ThatCanNeverBeHandled_IsDeadLettered()
    {
        var malformed = $"{LogStreamRequests.RunId()}-malformed";
        var unsupported = $"{LogStreamRequests.RunId()}-unsupported";

        await hub.SendRawAsync("auth0-log-events", RawAmqp.JsonMessage(malformed, "s", "{not json"u8.ToArray()));
        await hub.SendRawAsync("auth0-log-events", RawAmqp.JsonMessage(unsupported, "slo", Encoding.UTF8.GetBytes($$$"""{"log_id":"{{{unsupported}}}","data":{"type":"slo"}}""")));

        await Eventually.TrueAsync(() => Task.FromResult(hub.IsDeadLettered(malformed) && hub.IsDeadLettered(unsupported)), Patience, "both in auth0-log-events.dlq");
        var row = await hub.Ledger.FindAsync(unsupported, "auth0", CancellationToken.None);
        Assert.Equal(NotificationStatus.Rejected, row!.Status);
        Assert.Contains("'slo' has no handler", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_LiveAndReady_ReportEachDependency()
    {
        using var live = await hub.Client.GetAsync("/api/health");
        var ready = await Eventually.GetAsync(
            async () => await hub.Client.GetAsync("/api/health/ready") is { StatusCode: HttpStatusCode.OK } r ? r : null, Patience, "readiness");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("servicebus").GetProperty("status").GetString());
        var serviceBus = report.GetProperty("checks").GetProperty("servicebus").GetProperty("description").GetString();
        Assert.Contains("auth0-log-events", serviceBus, StringComparison.Ordinal);
        Assert.StartsWith($"Transport {Transport}", serviceBus, StringComparison.Ordinal);
    }

    /// <summary>The ledger row once the event is settled (delivered or rejected).</summary>
    private Task<NotificationRecord> RowAsync(string logId) =>
        Eventually.GetAsync(
            async () => await hub.Ledger.FindAsync(logId, "auth0", CancellationToken.None) is { IsSettled: true } row ? row : null,
            Patience,
            $"ledger row {logId} to be settled");
}
