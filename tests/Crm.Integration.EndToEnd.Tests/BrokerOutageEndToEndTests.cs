using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// A hub on a broker of its own (<see cref="TestStack.EndToEndBroker"/>), which the test stops and starts: Auth0 is
/// told 503 while the broker is down, nothing is recorded, and the same host goes on once the broker is back.
/// </summary>
[Collection(PrivateBrokerCollection.Name)]
public sealed class BrokerOutageEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestStack _broker = TestStack.EndToEndBroker;
    private PrivateBrokerHub _hub = null!;

    public async Task InitializeAsync() => _hub = await PrivateBrokerHub.StartAsync("Outage");

    [Fact]
    public async Task BrokerDown_Answers503AndRecordsNothing_ThenTheSameHostRecovers()
    {
        var ledger = _hub.Factory.Services.GetRequiredService<Crm.Integration.Connectors.Storage.INotificationLedger>();
        var before = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), "s__elastic__db-login-universal.json");
        using (var ok = await _hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(before))))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        await Eventually.GetAsync(() => ledger.FindAsync(Auth0Fixtures.LogIdOf(before[0]), "auth0", CancellationToken.None), Patience, "the first row");

        await _broker.DownAsync("rabbitmq");
        var during = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), "ss__elastic__db-signup.json");
        var withRejected = Auth0Fixtures.AsJsonLines([during[0], new JsonObject { ["data"] = new JsonObject { ["type"] = "s" } }]);
        using (var refused = await _hub.Client.SendAsync(LogStreamRequests.Post(withRejected)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("10", refused.Headers.GetValues("Retry-After").Single());
        }

        using (var notReady = await _hub.Client.GetAsync("/api/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
            var checks = JsonDocument.Parse(await notReady.Content.ReadAsStringAsync()).RootElement.GetProperty("checks");
            Assert.Equal(("Unhealthy", "Healthy"), (checks.GetProperty("servicebus").GetProperty("status").GetString(), checks.GetProperty("storage").GetProperty("status").GetString()));
        }

        await _broker.UpAsync("rabbitmq");
        await Eventually.TrueAsync(async () =>
        {
            using var retried = await _hub.Client.SendAsync(LogStreamRequests.Post(withRejected));
            return retried.StatusCode == HttpStatusCode.OK;
        }, Patience, "the webhook to accept again");

        await Eventually.GetAsync(() => ledger.FindAsync(Auth0Fixtures.LogIdOf(during[0]), "auth0", CancellationToken.None), Patience, "the row sent after the restart");
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}

/// <summary>Tests that own the end-to-end broker (they stop it, or need its queue to themselves) run one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PrivateBrokerCollection
{
    public const string Name = "private broker";
}
