using System.Text.Json.Nodes;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Integration.Connectors.Tests.Auth0;

/// <summary>The Management API client against WireMock serving the published Auth0 exchanges in shared/fixtures.</summary>
public sealed class Auth0UsersClientTests : IAsyncDisposable
{
    private const string UserId = "auth0|63d17c4a9d503d76c056c160";
    private readonly WireMockServer _auth0 = WireMockServer.Start();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _provider;

    public Auth0UsersClientTests()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth0:BaseAddress"] = _auth0.Url + "/",
            ["Auth0:Audience"] = "test-audience",
            [$"Secrets:{SecretNames.Auth0ManagementClientId}"] = "test-client_id",
            [$"Secrets:{SecretNames.Auth0ManagementClientSecret}"] = "test-client_secret",
        }).Build();
        _provider = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddSecrets(configuration)
            .AddAuth0Management(configuration).BuildServiceProvider();
        _auth0.Given(Request.Create().WithPath("/oauth/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Fixture("POST_oauth_token_client_credentials__go-auth0.json")["response"]!.ToJsonString()));
    }

    private IAuth0Users Users => _provider.GetRequiredService<IAuth0Users>();

    [Fact]
    public async Task GetUser_ReadsTheProfile_WithATokenFromTheClientCredentialsExchange()
    {
        ServeUser(200, Fixture("GET_users_by_id__go-auth0.json").ToJsonString());

        var user = await Users.GetUserAsync(UserId, CancellationToken.None);

        Assert.Equal((UserId, "chuck878@example.com", "Chuck", "Sanchez"), (user!.UserId, user.Email, user.GivenName, user.FamilyName));
        var expectedForm = Fixture("POST_oauth_token_client_credentials__go-auth0.json")["request_form"]!.AsObject();
        var sentForm = System.Web.HttpUtility.ParseQueryString(TokenRequests().Single().RequestMessage!.Body!);
        foreach (var (field, values) in expectedForm)
        {
            Assert.Equal((string?)values![0], sentForm[field]);
        }

        Assert.Equal("Bearer test-access-token", UserRequests().Single().RequestMessage!.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task GetUser_ManyReads_ShareOneCachedToken_UntilShortlyBeforeItExpires()
    {
        ServeUser(200, Fixture("GET_users_by_id__go-auth0.json").ToJsonString());

        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Users.GetUserAsync(UserId, CancellationToken.None)));
        Assert.Single(TokenRequests());

        _time.Advance(TimeSpan.FromSeconds(86_400) - TimeSpan.FromMinutes(5));
        await Users.GetUserAsync(UserId, CancellationToken.None);
        Assert.Equal(2, TokenRequests().Count());
    }

    [Fact]
    public async Task GetUser_UnknownId_IsNull()
    {
        ServeUser(404, """{"statusCode":404,"error":"Not Found","message":"The user does not exist.","errorCode":"inexistent_user"}""");

        Assert.Null(await Users.GetUserAsync("auth0|nobody", CancellationToken.None));
    }

    [Fact]
    public async Task GetUser_Throttled429_IsRetriedAfterRetryAfter()
    {
        _auth0.Given(Request.Create().WithPath(new WildcardMatcher("/api/v2/users/*")).UsingGet()).InScenario("429").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithBody("""{"statusCode":429,"error":"Too Many Requests"}"""));
        _auth0.Given(Request.Create().WithPath(new WildcardMatcher("/api/v2/users/*")).UsingGet()).InScenario("429").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Fixture("GET_users_by_id__go-auth0.json").ToJsonString()));

        // The retry delay runs on the host's TimeProvider, this test's fake clock: move it on while the read waits.
        var read = Users.GetUserAsync(UserId, CancellationToken.None);
        while (!read.IsCompleted)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(10);
        }

        Assert.Equal("chuck878@example.com", (await read)!.Email);
        Assert.Equal(2, UserRequests().Count());
    }

    [Fact]
    public async Task GetUser_TokenRejected_FetchesANewTokenOnce()
    {
        _auth0.Given(Request.Create().WithPath(new WildcardMatcher("/api/v2/users/*")).UsingGet()).InScenario("401").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"statusCode":401,"error":"Unauthorized","message":"Expired token"}"""));
        _auth0.Given(Request.Create().WithPath(new WildcardMatcher("/api/v2/users/*")).UsingGet()).InScenario("401").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Fixture("GET_users_by_id__go-auth0.json").ToJsonString()));

        Assert.NotNull(await Users.GetUserAsync(UserId, CancellationToken.None));
        Assert.Equal(2, TokenRequests().Count());
    }

    [Fact]
    public async Task GetUser_Auth0Down_ThrowsUnavailable()
    {
        ServeUser(503, "");

        var read = Users.GetUserAsync(UserId, CancellationToken.None);
        while (!read.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        await Assert.ThrowsAsync<Auth0UnavailableException>(() => read);
    }

    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        _auth0.Stop();
    }

    private void ServeUser(int status, string body) =>
        _auth0.Given(Request.Create().WithPath(new WildcardMatcher("/api/v2/users/*")).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private IEnumerable<WireMock.Logging.ILogEntry> TokenRequests() => _auth0.LogEntries.Where(e => e.RequestMessage!.Path == "/oauth/token");

    private IEnumerable<WireMock.Logging.ILogEntry> UserRequests() => _auth0.LogEntries.Where(e => e.RequestMessage!.Path.StartsWith("/api/v2/users/", StringComparison.Ordinal));

    private static JsonNode Fixture(string name) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Auth0Fixtures, "mgmt-api", name)))!;
}
