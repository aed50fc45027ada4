using System.Diagnostics;
using System.Text.Json.Nodes;
using Crm.Integration.Connectors.HubSpot;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Integration.Connectors.Tests.HubSpot;

/// <summary>The contacts client against WireMock speaking HubSpot's answers, one behaviour each.</summary>
public sealed class HubSpotContactsClientTests : IDisposable
{
    private const string Path = "/crm/v3/objects/contacts/batch/upsert";
    private readonly WireMockServer _hubSpot = WireMockServer.Start();

    [Fact]
    public async Task Upsert_InvalidEmail_IsPermanentWithoutACall_AndSameEmailsAreMergedIntoOneInput()
    {
        Respond(200, Results("ada@example.com"));
        await using var connector = Connector();

        var outcomes = await connector.Contacts.UpsertByEmailAsync(
            [Contact(" Ada@Example.com ", "firstname", "Ada"), Contact("not an email", "firstname", "X"), Contact("ada@example.com", "lastname", "Lovelace")],
            CancellationToken.None);

        Assert.Equal([UpsertOutcomeKind.Succeeded, UpsertOutcomeKind.Permanent, UpsertOutcomeKind.Succeeded], outcomes.Select(o => o.Kind));
        Assert.Equal("c-ada@example.com", outcomes[0].ContactId);
        var sent = JsonNode.Parse(Assert.Single(_hubSpot.LogEntries).RequestMessage!.Body!)!["inputs"]!.AsArray();
        var input = Assert.Single(sent)!;
        Assert.Equal(("email", "ada@example.com", "Ada", "Lovelace"),
            ((string?)input["idProperty"], (string?)input["id"], (string?)input["properties"]!["firstname"], (string?)input["properties"]!["lastname"]));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(409)]
    public async Task Upsert_WholeBatchRejected_IsSplitUntilTheBadInputStandsAlone(int status)
    {
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost().WithBody(new WildcardMatcher("*bad@example.com*"))).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithBody("""{"status":"error","message":"Email address bad@example.com is invalid","category":"VALIDATION_ERROR","correlationId":"c-1"}"""));
        Respond(200, Results());
        await using var connector = Connector();

        var outcomes = await connector.Contacts.UpsertByEmailAsync(
            [Contact("a@example.com"), Contact("b@example.com"), Contact("c@example.com"), Contact("bad@example.com")], CancellationToken.None);

        Assert.Equal([UpsertOutcomeKind.Succeeded, UpsertOutcomeKind.Succeeded, UpsertOutcomeKind.Succeeded, UpsertOutcomeKind.Permanent], outcomes.Select(o => o.Kind));
        Assert.Equal((status, "VALIDATION_ERROR", "c-1"), (outcomes[3].Error!.Status, outcomes[3].Error!.Category, outcomes[3].Error!.CorrelationId));
        Assert.Equal(5, _hubSpot.LogEntries.Count()); // [a b c bad] → [a b] ✓, [c bad] → [c] ✓, [bad] ✗
    }

    [Fact]
    public async Task Upsert_MultiStatus_ReadsEachInputsOutcome()
    {
        Respond(207, """
            {"status":"COMPLETE","results":[{"id":"11","properties":{"email":"a@example.com"}}],"numErrors":1,
             "errors":[{"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid","context":{"ids":["b@example.com"]}}]}
            """);
        await using var connector = Connector();

        var outcomes = await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com"), Contact("b@example.com")], CancellationToken.None);

        Assert.Equal((UpsertOutcomeKind.Succeeded, "11"), (outcomes[0].Kind, outcomes[0].ContactId));
        Assert.Equal((UpsertOutcomeKind.Permanent, "VALIDATION_ERROR"), (outcomes[1].Kind, outcomes[1].Error!.Category));
    }

    [Fact]
    public async Task Upsert_TenSecondly429_IsWaitedOutAndRetried()
    {
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("429").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1")
                .WithBody("""{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}"""));
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("429").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Results("a@example.com")));
        await using var connector = Connector();
        var clock = Stopwatch.StartNew();

        var outcome = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None));

        Assert.Equal(UpsertOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(2, _hubSpot.LogEntries.Count());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before Retry-After");
    }

    [Fact]
    public async Task Upsert_Daily429_IsTransientAtOnce_AndNoFurtherCallIsMadeThatDay()
    {
        Respond(429, """{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}""");
        await using var connector = Connector();

        var first = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None));
        var second = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("b@example.com")], CancellationToken.None));

        Assert.Equal((UpsertOutcomeKind.Transient, UpsertOutcomeKind.Transient), (first.Kind, second.Kind));
        Assert.Single(_hubSpot.LogEntries);
        Assert.True(connector.Limiter.DailyBudgetSpent);
    }

    [Fact]
    public async Task Upsert_Locked423_WaitsAtLeastTwoSecondsThenRetries()
    {
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("423").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(423).WithBody("""{"status":"error","message":"Locked","category":"LOCKED"}"""));
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("423").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Results("a@example.com")));
        await using var connector = Connector();

        var outcome = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None));

        var calls = _hubSpot.LogEntries.Select(e => e.RequestMessage!.DateTime).Order().ToList();
        Assert.Equal(UpsertOutcomeKind.Succeeded, outcome.Kind);
        Assert.True(calls[1] - calls[0] >= TimeSpan.FromSeconds(1.9), $"retried after {calls[1] - calls[0]}");
    }

    [Fact]
    public async Task Upsert_ServerErrorThenSuccess_Succeeds()
    {
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("5xx").WillSetStateTo("ok")
            .RespondWith(Response.Create().WithStatusCode(502));
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost()).InScenario("5xx").WhenStateIs("ok")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Results("a@example.com")));
        await using var connector = Connector();

        Assert.Equal(UpsertOutcomeKind.Succeeded, Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None)).Kind);
        Assert.Equal(2, _hubSpot.LogEntries.Count());
    }

    [Fact]
    public async Task Upsert_ServerErrorEveryTime_IsTransientAfterTheRetries()
    {
        Respond(503, """{"status":"error","message":"unavailable","correlationId":"c-9"}""");
        await using var connector = Connector();

        var outcome = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None));

        Assert.Equal((UpsertOutcomeKind.Transient, 503, "c-9"), (outcome.Kind, outcome.Error!.Status, outcome.Error.CorrelationId));
        Assert.Equal(4, _hubSpot.LogEntries.Count());
    }

    [Fact]
    public async Task Upsert_OtherClientError_IsPermanentWithoutRetry()
    {
        Respond(403, """{"status":"error","message":"This app hasn't been granted all required scopes","category":"MISSING_SCOPES","correlationId":"c-3"}""");
        await using var connector = Connector();

        var outcome = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None));

        Assert.Equal((UpsertOutcomeKind.Permanent, "MISSING_SCOPES"), (outcome.Kind, outcome.Error!.Category));
        Assert.Single(_hubSpot.LogEntries);
    }

    [Fact]
    public async Task Upsert_401_AsksForAFreshTokenOnceAndSendsAgain()
    {
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost().WithHeader("Authorization", "Bearer stale"))
            .RespondWith(Response.Create().WithStatusCode(401).WithBody("""{"status":"error","message":"expired","category":"EXPIRED_AUTHENTICATION"}"""));
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost().WithHeader("Authorization", "Bearer fresh"))
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Results("a@example.com")));
        var tokens = new RotatingTokenSource();
        await using var connector = Connector(tokens);

        var outcome = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None));

        Assert.Equal(UpsertOutcomeKind.Succeeded, outcome.Kind);
        Assert.Equal(1, tokens.Refreshes);
    }

    [Fact]
    public async Task Upsert_NoAnswerInTime_IsTransient()
    {
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Results("a@example.com")).WithDelay(TimeSpan.FromSeconds(3)));
        await using var connector = Connector(settings: new() { ["HubSpot:AttemptTimeout"] = "00:00:01", ["HubSpot:MaxRetries"] = "1" });

        var outcome = Assert.Single(await connector.Contacts.UpsertByEmailAsync([Contact("a@example.com")], CancellationToken.None));

        Assert.Equal(UpsertOutcomeKind.Transient, outcome.Kind);
    }

    public void Dispose() => _hubSpot.Stop();

    private HubSpotConnector Connector(IHubSpotTokenSource? tokens = null, Dictionary<string, string?>? settings = null) =>
        new(new Uri(_hubSpot.Url!), tokens, settings);

    private void Respond(int status, string body) =>
        _hubSpot.Given(Request.Create().WithPath(Path).UsingPost()).AtPriority(100).RespondWith(Response.Create().WithStatusCode(status).WithBody(body));

    private static string Results(params string[] emails) =>
        new JsonObject
        {
            ["status"] = "COMPLETE",
            ["results"] = new JsonArray(emails.Select(e => (JsonNode)new JsonObject { ["id"] = $"c-{e}", ["properties"] = new JsonObject { ["email"] = e } }).ToArray()),
        }.ToJsonString();

    private static ContactChange Contact(string email, string property = "firstname", string value = "x") =>
        new(email, new Dictionary<string, string> { [property] = value });

    private sealed class RotatingTokenSource : IHubSpotTokenSource
    {
        public int Refreshes { get; private set; }

        public string? AuthorizationProblem => null;

        public Task AuthorizationChanged => new TaskCompletionSource().Task;

        public ValueTask<string> GetTokenAsync(bool afterRejection, CancellationToken cancellationToken)
        {
            if (afterRejection)
            {
                Refreshes++;
            }

            return ValueTask.FromResult(Refreshes > 0 ? "fresh" : "stale");
        }
    }
}
