using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// The daily summary and the HubSpot usage route through the whole host: events through the webhook and the queue, the
/// summary computed on demand, read back, and the permissions. The shared hub's ledger holds other tests' rows of
/// today too, so counts are compared before and after this test's own events (tests of a collection run one at a time).
/// </summary>
[Collection(HubCollection.Name)]
public sealed class SummariesEndToEndTests(HubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private string Operator => hub.Issuer.Mint("auth0|olga", [TestIssuer.OperatePermission], name: "Olga Operator");

    private string Reader => hub.Issuer.Mint("auth0|rita", [TestIssuer.ReadPermission], name: "Rita Reader");

    private static string Today => TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Run_AfterEventsThroughTheHub_CountsThem_AndGetAnswersWhatWasStored()
    {
        var run = LogStreamRequests.RunId();
        var email = $"summary-{run}@example.com";
        using var beforeResponse = await AdminRequests.SendAsync(hub.Client, "POST", $"/api/admin/summaries/{Today}/run", Operator);
        var before = await AdminRequests.JsonAsync(beforeResponse);

        await PostAuth0Async(HubEvents.Auth0Log($"{run}-signup", "ss", $"auth0|{run}", email, "2026-11-19T10:00:00Z"), HubEvents.Auth0Log($"{run}-login", "s", $"auth0|{run}", email, "2026-11-20T10:00:00Z"));
        var template = $"summary-{run}";
        await hub.Templates.PutAsync(new EmailTemplate(template, 4242, "Platform <hello@platform.example>", [], [], [], [], []));
        await hub.Raw.SendAsync("platform-events", HubEvents.CloudEvent($"{run}-email", new JsonObject
        {
            ["template_name"] = template, ["to_recipient_email"] = email, ["custom_properties"] = new JsonObject { ["coupon"] = "X" },
        }));
        await Eventually.TrueAsync(async () => await SettledAsync($"{run}-login", "auth0") && await SettledAsync($"{run}-signup", "auth0")
            && await SettledAsync($"{run}-email", "email"), Patience, "the signup, the login and the rejected email");
        await Task.Delay(1500); // three usage flushes: the contact upsert's call is in storage

        using var afterResponse = await AdminRequests.SendAsync(hub.Client, "POST", $"/api/admin/summaries/{Today}/run", Operator);
        var afterText = await afterResponse.Content.ReadAsStringAsync();
        var after = JsonNode.Parse(afterText)!;
        using var read = await AdminRequests.SendAsync(hub.Client, "GET", $"/api/admin/summaries/{Today}", Reader);
        var readText = await read.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (beforeResponse.StatusCode, afterResponse.StatusCode, read.StatusCode));
        Assert.Equal(afterText, readText);
        Assert.Equal((Today, false), (after["date"]!.GetValue<string>(), after["complete"]!.GetValue<bool>()));
        Assert.Equal(1, Events(after, "user-registration", "Delivered") - Events(before, "user-registration", "Delivered"));
        Assert.Equal(1, Events(after, "user-login", "Delivered") - Events(before, "user-login", "Delivered"));
        Assert.Equal(1, Rejections(after, "UndeclaredProperty") - Rejections(before, "UndeclaredProperty"));
        Assert.Equal("email", after["topRejections"]!.AsArray().Single(r => r!["reason"]!.GetValue<string>() == "UndeclaredProperty")!["exampleChannel"]!.GetValue<string>());
        Assert.Equal(1, Emails(after, "none") - Emails(before, "none")); // rejected before any send: no sendResult
        Assert.True(after["timeToHubSpot"]!["count"]!.GetValue<long>() >= before["timeToHubSpot"]!["count"]!.GetValue<long>() + 2);
        Assert.True(after["timeToHubSpot"]!["p95Ms"]!.GetValue<long>() >= after["timeToHubSpot"]!["p50Ms"]!.GetValue<long>());
        Assert.True(after["hubSpot"]!["calls"]!.GetValue<long>() > before["hubSpot"]!["calls"]!.GetValue<long>(), "the contact upsert is counted");
        Assert.Equal(250_000, after["hubSpot"]!["dailyLimit"]!.GetValue<long>());
        Assert.DoesNotContain(email, afterText, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Usage_LastHour_HasTheMinutesOfTheHubsCalls_AndTheLimits()
    {
        var run = LogStreamRequests.RunId();
        await PostAuth0Async(HubEvents.Auth0Log($"{run}-signup", "ss", $"auth0|{run}", $"usage-{run}@example.com", "2026-11-19T10:00:00Z"));
        await Eventually.TrueAsync(() => SettledAsync($"{run}-signup", "auth0"), Patience, "the signup");

        var usage = await Eventually.GetAsync(async () =>
        {
            using var response = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/hubspot/usage", Reader);
            var body = await AdminRequests.JsonAsync(response);
            return body["minutes"]!.AsArray().Sum(m => m!["calls"]!.GetValue<long>()) > 0 ? body : null;
        }, Patience, "usage rows of the last hour");

        Assert.Equal((100, 600, 250_000), (usage["requestsPerTenSeconds"]!.GetValue<int>(), usage["budgetPerMinute"]!.GetValue<int>(), usage["dailyLimit"]!.GetValue<int>()));
        var minute = usage["minutes"]!.AsArray()[0]!["minute"]!.GetValue<string>();
        Assert.Matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:00Z$", minute);
    }

    public static TheoryData<string, string, HttpStatusCode> BadRequests => new()
    {
        { "GET", "/api/admin/summaries/2001-01-01", HttpStatusCode.NotFound },
        { "GET", "/api/admin/summaries/2026-13-01", HttpStatusCode.BadRequest },
        { "GET", "/api/admin/summaries/yesterday", HttpStatusCode.BadRequest },
        { "GET", "/api/admin/summaries/20261201", HttpStatusCode.BadRequest },
        { "POST", "/api/admin/summaries/2999-01-01/run", HttpStatusCode.BadRequest },
        { "POST", "/api/admin/summaries/not-a-day/run", HttpStatusCode.BadRequest },
        { "GET", "/api/admin/hubspot/usage?since=yesterday", HttpStatusCode.BadRequest },
        { "GET", "/api/admin/hubspot/usage?since=2026-12-01T10:00:00", HttpStatusCode.BadRequest }, // no offset
        { "GET", "/api/admin/hubspot/usage?since=2026-12-01T10:00:00Z&until=2026-12-01T09:00:00Z", HttpStatusCode.BadRequest },
        { "GET", "/api/admin/hubspot/usage?since=2026-11-01T00:00:00Z&until=2026-11-03T00:01:00Z", HttpStatusCode.BadRequest }, // over 2 days
        { "GET", "/api/admin/hubspot/usage?since=2026-11-01T00:00:00Z&until=2026-11-03T00:00:00Z", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadDateOrWindow_IsAProblemNamingIt_UnknownDayIs404(string method, string path, HttpStatusCode expected)
    {
        using var response = await AdminRequests.SendAsync(hub.Client, method, path, Operator);

        Assert.Equal(expected, response.StatusCode);
        if (expected != HttpStatusCode.OK)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Permissions_ReaderMayGet_NotRun_OperatorMayBoth_NoTokenNeither()
    {
        var yesterday = TimeProvider.System.GetUtcNow().UtcDateTime.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var readerRun = await AdminRequests.SendAsync(hub.Client, "POST", $"/api/admin/summaries/{yesterday}/run", Reader);
        using var operatorRun = await AdminRequests.SendAsync(hub.Client, "POST", $"/api/admin/summaries/{yesterday}/run", Operator);
        using var readerGet = await AdminRequests.SendAsync(hub.Client, "GET", $"/api/admin/summaries/{yesterday}", Reader);
        using var anonymousGet = await AdminRequests.SendAsync(hub.Client, "GET", $"/api/admin/summaries/{yesterday}", token: null);
        using var anonymousRun = await AdminRequests.SendAsync(hub.Client, "POST", $"/api/admin/summaries/{yesterday}/run", token: null);
        using var readerUsage = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/hubspot/usage", Reader);
        using var anonymousUsage = await AdminRequests.SendAsync(hub.Client, "GET", "/api/admin/hubspot/usage", token: null);

        Assert.Equal(
            (HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.Unauthorized),
            (readerRun.StatusCode, operatorRun.StatusCode, readerGet.StatusCode, anonymousGet.StatusCode, anonymousRun.StatusCode, readerUsage.StatusCode, anonymousUsage.StatusCode));
        Assert.True((await AdminRequests.JsonAsync(readerGet))["complete"]!.GetValue<bool>(), "yesterday is over");
    }

    private static long Events(JsonNode summary, string type, string status) =>
        summary["events"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == type && e["status"]!.GetValue<string>() == status).Sum(e => e!["count"]!.GetValue<long>());

    private static long Rejections(JsonNode summary, string reason) =>
        summary["topRejections"]!.AsArray().Where(r => r!["reason"]!.GetValue<string>() == reason).Sum(r => r!["count"]!.GetValue<long>());

    private static long Emails(JsonNode summary, string sendResult) =>
        summary["emails"]!.AsArray().Where(e => e!["sendResult"]!.GetValue<string>() == sendResult).Sum(e => e!["count"]!.GetValue<long>());

    private async Task<bool> SettledAsync(string id, string channel) => await hub.Ledger.FindAsync(id, channel, CancellationToken.None) is { IsSettled: true };

    private async Task PostAuth0Async(params JsonObject[] logs)
    {
        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Encoding.UTF8.GetBytes(new JsonArray(logs).ToJsonString())));
        response.EnsureSuccessStatusCode();
    }
}
