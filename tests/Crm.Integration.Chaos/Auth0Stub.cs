using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Integration.Chaos;

/// <summary>
/// Auth0's token endpoint and Management API (<c>GET /api/v2/users/{id}</c>) as WireMock serves them in the end-to-end
/// tests: every user of the workload exists, with the email the workload gave it. <see cref="Down"/> answers 503 to both.
/// </summary>
internal sealed class Auth0Stub : IDisposable
{
    private static readonly Guid Outage = Guid.Parse("0c4a05e5-0000-4000-8000-000000000503");
    private readonly WireMockServer _server = WireMockServer.Start();

    public Auth0Stub()
    {
        _server.Given(Request.Create().WithPath("/oauth/token").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"access_token":"chaos-mgmt-token","expires_in":86400,"token_type":"Bearer"}"""));
        // auth0|<run>-<user> is the workload's user <user> of run <run>: user.<run>.<user>@example.com (HubSpot keys lower case).
        _server.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher(@"^/api/v2/users/auth0\|[^/]+$")).UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var userId = Uri.UnescapeDataString(request.Path["/api/v2/users/".Length..]);
                var dash = userId.IndexOf('-', StringComparison.Ordinal);
                var email = $"user.{userId["auth0|".Length..dash]}.{userId[(dash + 1)..]}@example.com";
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new WireMock.Util.BodyData
                    {
                        BodyAsString = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
                        {
                            ["user_id"] = userId, ["email"] = email, ["given_name"] = "Chaos", ["family_name"] = "Tester",
                            ["created_at"] = "2026-11-01T00:00:00.000Z",
                        }),
                        DetectedBodyType = WireMock.Types.BodyType.String,
                    },
                };
            }));
    }

    public string Url => _server.Url! + "/";

    /// <summary>Both endpoints answer 503 until <see cref="Up"/>.</summary>
    public void Down() => _server.Given(Request.Create().WithPath("/*")).WithGuid(Outage).AtPriority(1)
        .RespondWith(Response.Create().WithStatusCode(503).WithBody("""{"statusCode":503,"error":"Service Unavailable"}"""));

    public void Up() => _server.DeleteMapping(Outage);

    public void Dispose() => _server.Stop();
}
