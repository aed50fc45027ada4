using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Crm.Integration.HubSpotSimulator;
using Microsoft.Extensions.Time.Testing;

using Crm.Integration.Testing;

namespace Crm.Integration.Connectors.Tests.HubSpot;

/// <summary>The simulator answers as HubSpot documents; these pin the behaviour the hub is tested against.</summary>
public sealed class HubSpotSimulatorTests
{
    private const string Upsert = "/crm/v3/objects/contacts/batch/upsert";

    [Fact]
    public async Task Upsert_CreatesByLowerCasedEmail_ThenUpdatesTheSameContact()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var created = await PostAsync(simulator, Upsert, Batch(("Ada@Example.com", "firstname", "Ada")));
        var updated = await PostAsync(simulator, Upsert, Batch(("ada@example.com", "lastname", "Lovelace")));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (created.Status, updated.Status));
        Assert.True((bool)created.Body["results"]![0]!["new"]!);
        Assert.False((bool)updated.Body["results"]![0]!["new"]!);
        Assert.Equal((string?)created.Body["results"]![0]!["id"], (string?)updated.Body["results"]![0]!["id"]);
        var contact = Assert.Single(simulator.Portal.Contacts.Values);
        Assert.Equal(("ada@example.com", "Ada", "Lovelace"), (contact.Email, contact.Properties["firstname"], contact.Properties["lastname"]));
    }

    [Theory]
    [InlineData("not-an-email", "firstname", HttpStatusCode.BadRequest, "INVALID_EMAIL")]
    [InlineData("ok@example.com", "no_such_property", HttpStatusCode.BadRequest, "PROPERTY_DOESNT_EXIST")]
    public async Task Upsert_OneBadInput_FailsTheWholeBatchAndWritesNothing(string email, string property, HttpStatusCode expected, string code)
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var answer = await PostAsync(simulator, Upsert, Batch(("good@example.com", "firstname", "G"), (email, property, "x")));

        Assert.Equal(expected, answer.Status);
        Assert.Equal("VALIDATION_ERROR", (string?)answer.Body["category"]);
        Assert.Contains(code, answer.Body.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(simulator.Portal.Contacts);
    }

    [Fact]
    public async Task Upsert_SameEmailTwiceInABatch_Is409AndWritesNothing()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var answer = await PostAsync(simulator, Upsert, Batch(("a@example.com", "firstname", "A"), ("A@example.com", "lastname", "B")));

        Assert.Equal(HttpStatusCode.Conflict, answer.Status);
        Assert.Empty(simulator.Portal.Contacts);
    }

    [Fact]
    public async Task Upsert_OverTheBatchSize_Is400()
    {
        await using var simulator = await RunningSimulator.StartAsync(o => o.MaxBatchSize = 2);

        var answer = await PostAsync(simulator, Upsert, Batch(("a@example.com", "firstname", "A"), ("b@example.com", "firstname", "B"), ("c@example.com", "firstname", "C")));

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
    }

    [Fact]
    public async Task Api_WithoutBearerToken_Is401()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = simulator.BaseAddress };

        using var response = await anonymous.PostAsJsonAsync(Upsert, Batch(("a@example.com", "firstname", "A")));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task RateLimit_OverTheTenSecondBudget_Is429WithPolicyAndHeaders_AndCounted()
    {
        await using var simulator = await RunningSimulator.StartAsync(o => o.TenSecondlyLimit = 2);

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(simulator, Upsert, Batch(("a@example.com", "firstname", "A")))).Status);
        }

        using var response = await simulator.Client.PostAsJsonAsync(Upsert, Batch(("a@example.com", "firstname", "A")));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("TEN_SECONDLY_ROLLING", (string?)body!["policyName"]);
        Assert.Null(body["category"]);
        Assert.Equal(("2", "0", "10000"), (Header(response, "X-HubSpot-RateLimit-Max"), Header(response, "X-HubSpot-RateLimit-Remaining"), Header(response, "X-HubSpot-RateLimit-Interval-Milliseconds")));
        Assert.Contains("\"throttled\":1", System.Text.Json.JsonSerializer.Serialize(simulator.Portal.Traffic.Snapshot()), StringComparison.Ordinal);
    }

    [Fact]
    public void RollingWindow_FreesTheBudgetTenSecondsLater_AndTheDailyCapHolds()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
        var limiter = new RollingWindowLimiter(time);

        Assert.True(limiter.TryAcquire(2, 3).Allowed);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(limiter.TryAcquire(2, 3).Allowed);
        Assert.Equal("TEN_SECONDLY_ROLLING", limiter.TryAcquire(2, 3).Policy);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.True(limiter.TryAcquire(2, 3).Allowed);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal("DAILY", limiter.TryAcquire(2, 3).Policy);
        time.Advance(TimeSpan.FromHours(12));
        Assert.True(limiter.TryAcquire(2, 3).Allowed);
    }

    [Fact]
    public async Task SingleSend_OneEmailPerSendId_TheRepeatIsIdempotentIgnore()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        var request = new JsonObject { ["emailId"] = 42, ["message"] = new JsonObject { ["to"] = "ada@example.com", ["sendId"] = "evt-1" } };

        var first = await PostAsync(simulator, "/marketing/v3/transactional/single-email/send", request.DeepClone());
        var repeat = await PostAsync(simulator, "/marketing/v3/transactional/single-email/send", request.DeepClone());
        await Task.Delay(150);

        Assert.Equal("PENDING", (string?)first.Body["status"]);
        Assert.Equal("SENT", await SendResultAsync(simulator, (string)first.Body["statusId"]!));
        Assert.Equal("IDEMPOTENT_IGNORE", await SendResultAsync(simulator, (string)repeat.Body["statusId"]!));
        Assert.Single(simulator.Portal.Emails);
    }

    [Theory]
    [InlineData("someone@bounced.example", 42, "PREVIOUSLY_BOUNCED")]
    [InlineData("someone@blocked.example", 42, "BLOCKED_DOMAIN")]
    [InlineData("not-an-address", 42, "INVALID_TO_ADDRESS")]
    [InlineData("ada@example.com", 13, "EMAIL_DISABLED")]
    public async Task SingleSend_KnownAtOnceNotToGo_IsAnsweredCompleteWithItsSendResult(string to, int emailId, string expected)
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var sent = await PostAsync(simulator, "/marketing/v3/transactional/single-email/send",
            new JsonObject { ["emailId"] = emailId, ["message"] = new JsonObject { ["to"] = to, ["sendId"] = Guid.NewGuid().ToString() } });

        Assert.Equal(("COMPLETE", expected), ((string?)sent.Body["status"], (string?)sent.Body["sendResult"]));
        Assert.Empty(simulator.Portal.Emails);
    }

    [Fact]
    public async Task SingleSend_ToASpamTrap_IsAcceptedPending_AndOnlyItsStatusSaysPreviousSpam()
    {
        await using var simulator = await RunningSimulator.StartAsync();

        var sent = await PostAsync(simulator, "/marketing/v3/transactional/single-email/send",
            new JsonObject { ["emailId"] = 42, ["message"] = new JsonObject { ["to"] = "x@spamtrap.example", ["sendId"] = Guid.NewGuid().ToString() } });
        await Task.Delay(150);

        Assert.Equal("PENDING", (string?)sent.Body["status"]);
        Assert.Equal("PREVIOUS_SPAM", await SendResultAsync(simulator, (string)sent.Body["statusId"]!));
    }

    [Fact]
    public async Task CustomEvent_OnAKnownContact_Is204AndRecorded_OnAnUnknownOne404()
    {
        await using var simulator = await RunningSimulator.StartAsync();
        await PostAsync(simulator, Upsert, Batch(("ada@example.com", "firstname", "Ada")));

        var known = await PostAsync(simulator, "/events/v3/send", new JsonObject { ["eventName"] = "pe_task_signup", ["email"] = "Ada@example.com" });
        var unknown = await PostAsync(simulator, "/events/v3/send", new JsonObject { ["eventName"] = "pe_task_signup", ["email"] = "nobody@example.com" });

        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NotFound), (known.Status, unknown.Status));
        Assert.Equal("pe_task_signup", Assert.Single(simulator.Portal.Events).EventName);
    }

    private static JsonObject Batch(params (string Email, string Property, string Value)[] inputs) => new()
    {
        ["inputs"] = new JsonArray(inputs.Select(i => (JsonNode)new JsonObject
        {
            ["idProperty"] = "email",
            ["id"] = i.Email,
            ["properties"] = new JsonObject { [i.Property] = i.Value },
        }).ToArray()),
    };

    private static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(RunningSimulator simulator, string path, JsonNode body)
    {
        using var response = await simulator.Client.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text)!.AsObject() : []);
    }

    private static async Task<string?> SendResultAsync(RunningSimulator simulator, string statusId) =>
        (string?)(await simulator.Client.GetFromJsonAsync<JsonObject>($"/marketing/v3/email/send-statuses/{statusId}"))!["sendResult"];

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();
}
