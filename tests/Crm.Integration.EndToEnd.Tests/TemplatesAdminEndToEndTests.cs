using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>The admin API through the whole host: bearer tokens from a test issuer's JWKS, Azurite underneath.</summary>
[Collection(HubCollection.Name)]
public sealed class TemplatesAdminEndToEndTests(HubFixture hub)
{
    private const string Route = "/api/admin/templates";

    /// <summary>The emails the simulated portal has (the hub checks ids against HubSpot in these tests).</summary>
    public static readonly long[] EmailIdsInHubSpot = [4242, 5, 6, 7, 8, 9];

    public static TheoryData<string, string> EveryRoute => new()
    {
        { "GET", "/api/admin/me" },
        { "GET", Route },
        { "GET", Route + "/welcome" },
        { "GET", Route + "/welcome/history" },
        { "POST", Route },
        { "PUT", Route + "/welcome" },
        { "DELETE", Route + "/welcome" },
    };

    private string Writer => hub.Issuer.Mint("auth0|ada", [TestIssuer.WritePermission], name: "Ada Admin");

    private string Reader => hub.Issuer.Mint("auth0|rita", [TestIssuer.ReadPermission]);

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task AnyAdminRoute_WithoutAToken_Is401WithABearerChallengeAndAProblemBody(string method, string path)
    {
        using var response = await SendAsync(method, path, token: null, body: method is "POST" or "PUT" ? Template("anon") : null, ifMatch: "*");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public static TheoryData<string, string> RefusedTokens => new()
    {
        { "signed with a key the issuer does not publish", "stranger" },
        { "issued for another audience", "audience" },
        { "expired", "expired" },
        { "not a JWT", "garbage" },
    };

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task List_WithATokenTheIssuerWouldNotStandBehind_Is401(string why, string kind)
    {
        var token = kind switch
        {
            "stranger" => hub.Issuer.Mint("auth0|eve", [TestIssuer.WritePermission], signedByStranger: true),
            "audience" => hub.Issuer.Mint("auth0|eve", [TestIssuer.WritePermission], audience: "https://someone-else.example/api"),
            "expired" => hub.Issuer.Mint("auth0|eve", [TestIssuer.WritePermission], lifetime: TimeSpan.FromMinutes(-10)),
            _ => "not-a-jwt",
        };

        using var response = await SendAsync("GET", Route, token);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"a token {why}: {response.StatusCode}");
    }

    [Fact]
    public async Task Reads_WithATokenWithoutTheReaderPermission_Are403()
    {
        var token = hub.Issuer.Mint("auth0|nobody", ["some-other:permission"]);

        using var list = await SendAsync("GET", Route, token);
        using var me = await SendAsync("GET", "/api/admin/me", token);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.False((await JsonAsync(me))["can_read"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Writes_WithAReaderToken_Are403_AndNothingIsWritten()
    {
        var name = Name("reader");

        using var create = await SendAsync("POST", Route, Reader, Template(name));
        using var read = await SendAsync("GET", $"{Route}/{name}", Reader);

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Theory]
    [InlineData("roles")]
    [InlineData("scope")]
    [InlineData("scp")]
    public async Task Permission_InEntraRolesOrAScopeClaim_IsHonoured(string claim)
    {
        var token = hub.Issuer.Mint("entra|oid-1", [TestIssuer.WritePermission, "openid"], permissionClaim: claim);

        using var create = await SendAsync("POST", Route, token, Template(Name(claim)));

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
    }

    [Fact]
    public async Task Create_ThenReadListAndHistory_ShowTheTemplateItsETagAndWhoMadeIt()
    {
        var name = Name("create");

        using var created = await SendAsync("POST", Route, Writer, Template(name));
        using var read = await SendAsync("GET", $"{Route}/{name}", Reader);
        using var history = await SendAsync("GET", $"{Route}/{name}/history", Reader);
        using var again = await SendAsync("POST", Route, Writer, Template(name));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"{Route}/{name}", created.Headers.Location?.ToString());
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal(created.Headers.ETag, read.Headers.ETag);
        var template = await JsonAsync(read);
        Assert.Equal((4242L, "Ada Admin (auth0|ada)"), (template["hubspot_email_id"]!.GetValue<long>(), (string?)template["last_changed_by"]));
        Assert.Equal("""[{"name":"firstname","required":true}]""", template["contact_properties"]!.ToJsonString());
        var entry = Assert.Single((await JsonAsync(history))["items"]!.AsArray());
        Assert.Equal(("created", "Ada Admin (auth0|ada)", (JsonNode?)null), ((string?)entry!["action"], (string?)entry["changed_by"], entry["before"]));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains(await AllNamesAsync(), n => n == name);
    }

    [Fact]
    public async Task Create_WithEveryKindOfFieldError_Is400ListingEachField_AndWritesNothing()
    {
        var name = Name("bad");
        var body = new JsonObject
        {
            ["name"] = "-" + name,
            ["hubspot_email_id"] = -3,
            ["from"] = "not an address",
            ["reply_to"] = new JsonArray("ok@platform.example", "nope@"),
            ["cc"] = "one@platform.example",
            ["contact_properties"] = new JsonArray(
                new JsonObject { ["name"] = "FirstName", ["required"] = true },
                new JsonObject { ["name"] = "city", ["required"] = "yes" },
                new JsonObject { ["name"] = "plan", ["required"] = false },
                new JsonObject { ["name"] = "plan", ["required"] = false }),
            ["custom_properties"] = new JsonArray(new JsonObject { ["name"] = "plan", ["required"] = true }, new JsonObject { ["name"] = "has space" }),
            ["colour"] = "blue",
        };

        using var response = await SendAsync("POST", Route, Writer, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await JsonAsync(response))["errors"]!.AsObject();
        Assert.Equal(
            ["cc", "colour", "contact_properties[0].name", "contact_properties[1].required", "contact_properties[3].name", "custom_properties[0].name", "custom_properties[1].name", "from", "hubspot_email_id", "name", "reply_to[1]"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Contains("declared as a contact property too", (string?)errors["custom_properties[0].name"]![0], StringComparison.Ordinal);
        Assert.Contains("more than once", (string?)errors["contact_properties[3].name"]![0], StringComparison.Ordinal);
        using var read = await SendAsync("GET", $"{Route}/-{name}", Reader);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Create_NamingAnEmailHubSpotDoesNotHave_IsAFieldError_AndAHubSpotThatDoesNotAnswerIs503()
    {
        var name = Name("unknown-email");

        using var unknown = await SendAsync("POST", Route, Writer, Template(name, emailId: 999_999));
        await SetHubSpotFaultRateAsync(1.0);
        HttpResponseMessage down;
        try
        {
            down = await SendAsync("POST", Route, Writer, Template(name));
        }
        finally
        {
            await SetHubSpotFaultRateAsync(0.0);
        }

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("HubSpot has no email with id 999999.", (string?)(await JsonAsync(unknown))["errors"]!["hubspot_email_id"]![0]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("Nothing was saved", (string?)(await JsonAsync(down))["detail"], StringComparison.Ordinal);
        down.Dispose();
        using var read = await SendAsync("GET", $"{Route}/{name}", Reader);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
    }

    [Fact]
    public async Task Replace_NeedsIfMatch_RefusesAStaleOne_AndRecordsBeforeAndAfter()
    {
        var name = Name("replace");
        using var created = await SendAsync("POST", Route, Writer, Template(name));
        var first = created.Headers.ETag!.ToString();

        using var withoutIfMatch = await SendAsync("PUT", $"{Route}/{name}", Writer, Template(name, emailId: 5));
        using var replaced = await SendAsync("PUT", $"{Route}/{name}", Writer, Template(name, emailId: 6), ifMatch: first);
        using var stale = await SendAsync("PUT", $"{Route}/{name}", Writer, Template(name, emailId: 7), ifMatch: first);
        using var weak = await SendAsync("PUT", $"{Route}/{name}", Writer, Template(name, emailId: 8), ifMatch: "W/" + replaced.Headers.ETag);
        using var renamed = await SendAsync("PUT", $"{Route}/{name}", Writer, Template(name + "-x", emailId: 9), ifMatch: replaced.Headers.ETag!.ToString());

        Assert.Equal(HttpStatusCode.PreconditionRequired, withoutIfMatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.NotEqual(first, replaced.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Contains("Someone changed the template", (string?)(await JsonAsync(stale))["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.PreconditionFailed, weak.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, renamed.StatusCode);
        using var read = await SendAsync("GET", $"{Route}/{name}", Reader);
        Assert.Equal(6, (await JsonAsync(read))["hubspot_email_id"]!.GetValue<long>());
        using var historyResponse = await SendAsync("GET", $"{Route}/{name}/history", Reader);
        var history = (await JsonAsync(historyResponse))["items"]!.AsArray();
        Assert.Equal(["replaced", "created"], history.Select(h => (string?)h!["action"]));
        Assert.Equal((4242L, 6L), (history[0]!["before"]!["hubspot_email_id"]!.GetValue<long>(), history[0]!["after"]!["hubspot_email_id"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Delete_NeedsIfMatch_RemovesTheTemplate_AndKeepsItsHistory()
    {
        var name = Name("delete");
        using var created = await SendAsync("POST", Route, Writer, Template(name));

        using var withoutIfMatch = await SendAsync("DELETE", $"{Route}/{name}", Writer);
        using var deleted = await SendAsync("DELETE", $"{Route}/{name}", Writer, ifMatch: created.Headers.ETag!.ToString());
        using var again = await SendAsync("DELETE", $"{Route}/{name}", Writer, ifMatch: created.Headers.ETag!.ToString());
        using var read = await SendAsync("GET", $"{Route}/{name}", Reader);
        using var history = await SendAsync("GET", $"{Route}/{name}/history", Reader);

        Assert.Equal(HttpStatusCode.PreconditionRequired, withoutIfMatch.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        var items = (await JsonAsync(history))["items"]!.AsArray();
        Assert.Equal(["deleted", "created"], items.Select(h => (string?)h!["action"]));
        Assert.Equal(4242L, items[0]!["before"]!["hubspot_email_id"]!.GetValue<long>());
    }

    [Fact]
    public async Task BodiesThatAreNotTemplates_AreRefusedWithTheirOwnStatus()
    {
        using var malformed = await SendRawAsync(Route, "{\"name\": ", "application/json");
        using var wrongType = await SendRawAsync(Route, "name=x", "application/x-www-form-urlencoded");
        using var oversized = await SendRawAsync(Route, "{\"description\":\"" + new string('x', 70_000) + "\"}", "application/json");
        using var notAnObject = await SendRawAsync(Route, "[1,2]", "application/json");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("line", (string?)(await JsonAsync(malformed))["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notAnObject.StatusCode);
    }

    [Fact]
    public async Task List_PagesWithContinuationTokens_AndRefusesBadPagingWithAProblem()
    {
        string[] names = [Name("page-a"), Name("page-b"), Name("page-c")];
        foreach (var name in names)
        {
            using var _ = await SendAsync("POST", Route, Writer, Template(name));
        }

        using var zero = await SendAsync("GET", Route + "?page_size=0", Reader);
        using var forged = await SendAsync("GET", Route + "?page_size=2&continuation_token=%%%", Reader);

        Assert.Superset(names.ToHashSet(), (await AllNamesAsync(pageSize: 2)).ToHashSet());
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task StorageUnreachable_ReadsAndWritesAre503ProblemsAndNothingIsHalfDone()
    {
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, "Unreachable");
        settings["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;";
        settings["Storage:NetworkTimeout"] = "00:00:02";
        settings["ServiceBus:Port"] = "9";
        foreach (var (key, value) in hub.Issuer.Settings)
        {
            settings[key] = value;
        }

        await using var factory = new HubFactory(settings);
        using var client = factory.CreateClient();

        using var list = await AdminRequests.SendAsync(client, "GET", Route, Reader);
        using var create = await AdminRequests.SendAsync(client, "POST", Route, Writer, Template(Name("storage-down")));

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (list.StatusCode, create.StatusCode));
        Assert.Contains("Template storage cannot be reached", (string?)(await JsonAsync(create))["detail"], StringComparison.Ordinal);
    }

    private async Task SetHubSpotFaultRateAsync(double rate)
    {
        using var current = await hub.HubSpot.Client.GetAsync("/_simulator/settings");
        var settings = JsonNode.Parse(await current.Content.ReadAsStringAsync())!.AsObject();
        settings["faultRate"] = rate;
        using var put = await hub.HubSpot.Client.PutAsync("/_simulator/settings", new StringContent(settings.ToJsonString(), Encoding.UTF8, "application/json"));
        put.EnsureSuccessStatusCode();
    }

    private async Task<List<string>> AllNamesAsync(int pageSize = 200)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var path = $"{Route}?page_size={pageSize}" + (token is null ? "" : "&continuation_token=" + Uri.EscapeDataString(token));
            using var response = await SendAsync("GET", path, Reader);
            var page = await JsonAsync(response);
            Assert.True(page["items"]!.AsArray().Count <= pageSize);
            names.AddRange(page["items"]!.AsArray().Select(i => (string)i!["template"]!["name"]!));
            token = (string?)page["continuation_token"];
        }
        while (token is not null);

        return names;
    }

    private static string Name(string what) => $"{what}-{LogStreamRequests.RunId()}";

    private static JsonObject Template(string name, long emailId = 4242) => new()
    {
        ["name"] = name,
        ["hubspot_email_id"] = emailId,
        ["from"] = "Platform <hello@platform.example>",
        ["reply_to"] = new JsonArray("support@platform.example"),
        ["contact_properties"] = new JsonArray(new JsonObject { ["name"] = "firstname", ["required"] = true }),
        ["custom_properties"] = new JsonArray(new JsonObject { ["name"] = "activation_url", ["required"] = true }),
        ["description"] = "Sent after signup.",
    };

    private Task<HttpResponseMessage> SendAsync(string method, string path, string? token, JsonObject? body = null, string? ifMatch = null) =>
        AdminRequests.SendAsync(hub.Client, method, path, token, body, ifMatch);

    private async Task<HttpResponseMessage> SendRawAsync(string path, string body, string contentType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Writer);
        return await hub.Client.SendAsync(request);
    }

    private static Task<JsonNode> JsonAsync(HttpResponseMessage response) => AdminRequests.JsonAsync(response);
}
