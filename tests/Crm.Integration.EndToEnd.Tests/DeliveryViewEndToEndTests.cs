using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// The delivery view through the whole host: events from Auth0 and the platform queue land (or are rejected), and an
/// operator with read permission finds each one, a person's events, the failures by reason and the timeline.
/// </summary>
[Collection(HubCollection.Name)]
public sealed class DeliveryViewEndToEndTests(HubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private string Reader => hub.Issuer.Mint("auth0|rita", [TestIssuer.ReadPermission], name: "Rita Reader");

    public static TheoryData<string> ViewRoutes => new()
    {
        "/api/admin/events",
        "/api/admin/events/failures",
        "/api/admin/events/timeline",
        "/api/admin/people/someone@example.com/events",
    };

    [Theory]
    [MemberData(nameof(ViewRoutes))]
    public async Task ViewRoute_NoToken401_NoPermission403_ReaderWriterAndOperator200(string path)
    {
        using var none = await AdminRequests.SendAsync(hub.Client, "GET", path, token: null);
        using var nobody = await AdminRequests.SendAsync(hub.Client, "GET", path, hub.Issuer.Mint("auth0|nobody", []));
        using var reader = await AdminRequests.SendAsync(hub.Client, "GET", path, Reader);
        using var writer = await AdminRequests.SendAsync(hub.Client, "GET", path, hub.Issuer.Mint("auth0|ada", [TestIssuer.WritePermission]));
        using var operate = await AdminRequests.SendAsync(hub.Client, "GET", path, hub.Issuer.Mint("auth0|olga", [TestIssuer.OperatePermission]));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK),
            (none.StatusCode, nobody.StatusCode, reader.StatusCode, writer.StatusCode, operate.StatusCode));
    }

    [Fact]
    public async Task AnOperator_FindsEachEvent_APersonsEvents_TheFailuresByReason_AndTheTimeline_WithoutAnAddressInClear()
    {
        var run = LogStreamRequests.RunId();
        var email = $"view-{run}@example.com";
        var userId = $"auth0|view-{run}";
        var template = $"view-{run}";
        await hub.Templates.PutAsync(new EmailTemplate(template, 4242, "Platform <hello@platform.example>", [], [], [], [], []));
        using (var posted = await hub.Client.SendAsync(LogStreamRequests.Post(Encoding.UTF8.GetBytes(new JsonArray(
            HubEvents.Auth0Log($"{run}-signup", "ss", userId, email, "2026-11-19T10:00:00Z"),
            HubEvents.Auth0Log($"{run}-login", "s", userId, email, "2026-11-20T10:00:00Z")).ToJsonString()))))
        {
            posted.EnsureSuccessStatusCode();
        }

        await hub.Raw.SendAsync("platform-events", HubEvents.CloudEvent($"{run}-email", new JsonObject { ["template_name"] = template, ["to_recipient_email"] = email }));
        await hub.Raw.SendAsync("platform-events", HubEvents.CloudEvent($"{run}-unknown", new JsonObject { ["template_name"] = $"no-such-{run}", ["to_recipient_email"] = email }));
        foreach (var (id, channel) in new[] { ($"{run}-signup", "auth0"), ($"{run}-login", "auth0"), ($"{run}-email", "email"), ($"{run}-unknown", "email") })
        {
            await Eventually.TrueAsync(async () => await hub.Ledger.FindAsync(id, channel, CancellationToken.None) is { IsSettled: true }, Patience, id);
        }

        var login = await GetAsync($"/api/admin/events/auth0/{run}-login");
        var sent = await GetAsync($"/api/admin/events/platform/{run}-email");
        var unknown = await GetAsync($"/api/admin/events/platform/{run}-unknown");
        var person = await GetAsync($"/api/admin/people/{Uri.EscapeDataString(email.ToUpperInvariant())}/events");
        var byUser = await GetAsync($"/api/admin/events?person={Uri.EscapeDataString(userId)}&source=auth0");
        var rejected = await GetAsync("/api/admin/events?status=rejected&source=platform&max=500");
        var failures = await GetAsync("/api/admin/events/failures");
        var timeline = await GetAsync("/api/admin/events/timeline");

        Assert.Equal(("auth0", "Delivered", 1, 0), (login["source"]!.GetValue<string>(), login["status"]!.GetValue<string>(), login["attempts"]!.GetValue<int>(), login["duplicatesSeen"]!.GetValue<int>()));
        Assert.False(string.IsNullOrEmpty(login["hubSpotId"]?.GetValue<string>()), "the contact id");
        Assert.True(login["timings"]!["toHubSpotMs"]!.GetValue<long>() >= 0);
        Assert.Equal(("platform", "email", "Delivered", template), (sent["source"]!.GetValue<string>(), sent["channel"]!.GetValue<string>(), sent["status"]!.GetValue<string>(), sent["template"]!.GetValue<string>()));
        Assert.Equal("SENT", sent["sendResult"]!.GetValue<string>());
        Assert.StartsWith("sha256:", sent["recipient"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("Rejected", "UnknownTemplate"), (unknown["status"]!.GetValue<string>(), unknown["reason"]!.GetValue<string>()));
        Assert.Equal([$"{run}-email", $"{run}-login", $"{run}-signup", $"{run}-unknown"], Ids(person).Order(StringComparer.Ordinal));
        Assert.Equal([$"{run}-login", $"{run}-signup"], Ids(byUser).Order(StringComparer.Ordinal));
        Assert.Contains($"{run}-unknown", Ids(rejected));
        Assert.DoesNotContain($"{run}-email", Ids(rejected));
        var unknownTemplates = failures["reasons"]!.AsArray().Single(r => r!["reason"]!.GetValue<string>() == "UnknownTemplate")!;
        Assert.True(unknownTemplates["count"]!.GetValue<int>() >= 1);
        Assert.True(unknownTemplates["rejected"]!.GetValue<int>() >= 1);
        Assert.Equal("minute", timeline["bucket"]!.GetValue<string>());
        Assert.InRange(timeline["buckets"]!.AsArray().Count, 60, 61);
        Assert.True(timeline["buckets"]!.AsArray().Sum(b => b!["delivered"]!.GetValue<int>()) >= 3);
        Assert.True(timeline["buckets"]!.AsArray().Sum(b => b!["rejected"]!.GetValue<int>()) >= 1);
        foreach (var answer in new[] { login, sent, unknown, person, byUser, rejected, failures })
        {
            Assert.DoesNotContain(email, answer.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("/api/admin/events/auth0/never-received", HttpStatusCode.NotFound, "Unknown event")]
    [InlineData("/api/admin/events/nowhere/some-id", HttpStatusCode.NotFound, "No such source")]
    [InlineData("/api/admin/events?status=Lost", HttpStatusCode.BadRequest, "No such status")]
    [InlineData("/api/admin/events?status=1", HttpStatusCode.BadRequest, "No such status")]
    [InlineData("/api/admin/events?source=nowhere", HttpStatusCode.BadRequest, "No such source")]
    [InlineData("/api/admin/events?since=yesterday", HttpStatusCode.BadRequest, "Not a window")]
    [InlineData("/api/admin/events?since=2026-12-02T10:00:00Z&until=2026-12-01T10:00:00Z", HttpStatusCode.BadRequest, "Not a window")]
    [InlineData("/api/admin/events?since=2020-01-01T00:00:00Z", HttpStatusCode.BadRequest, "Not a window")]
    [InlineData("/api/admin/events?max=0", HttpStatusCode.BadRequest, "Page size out of range")]
    [InlineData("/api/admin/events?after=not-a-cursor!", HttpStatusCode.BadRequest, "Not a cursor")]
    [InlineData("/api/admin/events?person=not%20a%20person", HttpStatusCode.BadRequest, "Not a person")]
    [InlineData("/api/admin/people/nobody/events", HttpStatusCode.BadRequest, "Not a person")]
    [InlineData("/api/admin/events/timeline?bucket=day", HttpStatusCode.BadRequest, "No such bucket")]
    [InlineData("/api/admin/events/timeline?since=2026-11-01T00:00:00Z&until=2026-11-03T00:00:01Z&bucket=minute", HttpStatusCode.BadRequest, "Too many buckets")]
    public async Task BadQuestions_GetASpecificProblem(string path, HttpStatusCode status, string title)
    {
        using var response = await AdminRequests.SendAsync(hub.Client, "GET", path, Reader);
        var problem = await AdminRequests.JsonAsync(response);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(title, problem["title"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()));
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await AdminRequests.SendAsync(hub.Client, "GET", path, Reader);
        var body = await AdminRequests.JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body.ToJsonString()}");
        return body;
    }

    private static List<string> Ids(JsonNode page) => [.. page["items"]!.AsArray().Select(item => item!["id"]!.GetValue<string>())];
}
