using System.Net;
using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// A hub authenticating to HubSpot with OAuth, on a broker of its own: while HubSpot refuses the refresh token the
/// queue triggers stop and events wait on the queue (none dead-lettered), readiness says the app must be
/// re-authorised, and once a good refresh token is stored everything that waited is written.
/// </summary>
[Collection(PrivateBrokerCollection.Name)]
public sealed class HubSpotOAuthEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private PrivateBrokerHub _hub = null!;

    public async Task InitializeAsync() =>
        _hub = await PrivateBrokerHub.StartAsync(
            "OAuth",
            simulator: o =>
            {
                o.AccessToken = "no-private-app-token-here";
                o.OAuthRefreshToken = "good-refresh-token";
            },
            settings: s =>
            {
                s["HubSpot:Authentication"] = "OAuth";
                s["HubSpot:ReauthorizationRetryInterval"] = "00:00:01";
                s[$"Secrets:{SecretNames.HubSpotAccessToken}"] = null;
                s[$"Secrets:{SecretNames.HubSpotClientId}"] = "simulator-client";
                s[$"Secrets:{SecretNames.HubSpotClientSecret}"] = "simulator-secret";
                s[$"Secrets:{SecretNames.HubSpotRefreshToken}"] = "revoked-refresh-token";
            });

    [Fact]
    public async Task RefreshTokenRefused_TriggersStop_EventsWait_ThenANewRefreshTokenWritesThemAll()
    {
        var run = LogStreamRequests.RunId();
        var signups = LogStreamRequests.Envelopes(run, "ss__elastic__db-signup.json", "s__elastic__db-login-universal.json");
        using (var accepted = await _hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(signups))))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode); // the webhook does not need HubSpot
        }

        var checks = await Eventually.GetAsync(async () =>
        {
            using var ready = await _hub.Client.GetAsync("/api/health/ready");
            var body = System.Text.Json.Nodes.JsonNode.Parse(await ready.Content.ReadAsStringAsync())!["checks"]!;
            return ((string?)body["servicebus"]!["description"])!.Contains("paused", StringComparison.Ordinal) ? body : null;
        }, Patience, "the triggers to stop");
        Assert.Equal("Unhealthy", (string?)checks["hubspot"]!["status"]);
        Assert.Contains("re-authorised", (string?)checks["hubspot"]!["description"], StringComparison.Ordinal);
        var ledger = _hub.Factory.Services.GetRequiredService<INotificationLedger>();
        var attemptsWhenStopped = await AttemptsAsync(ledger, signups);
        await Task.Delay(TimeSpan.FromSeconds(3)); // stopped means stopped: nothing more is tried meanwhile
        Assert.Equal(attemptsWhenStopped, await AttemptsAsync(ledger, signups));
        Assert.All(attemptsWhenStopped, a => Assert.InRange(a, 0, 4)); // the window in hand when HubSpot refused, far below the delivery limit (10)

        Assert.Empty(_hub.HubSpot.Portal.Contacts);

        // The operator re-authorises the app and stores the new refresh token.
        _hub.Factory.Services.GetRequiredService<IConfiguration>()[$"Secrets:{SecretNames.HubSpotRefreshToken}"] = "good-refresh-token";

        foreach (var logId in signups.Select(Auth0Fixtures.LogIdOf))
        {
            var row = await Eventually.GetAsync(
                async () => await ledger.FindAsync(logId, "auth0", CancellationToken.None) is { IsSettled: true } r ? r : null, Patience, $"{logId} written");
            Assert.Equal(NotificationStatus.Delivered, row.Status);
        }

        using var readyAgain = await _hub.Client.GetAsync("/api/health/ready");
        Assert.Equal(HttpStatusCode.OK, readyAgain.StatusCode);
        Assert.NotEmpty(_hub.HubSpot.Portal.Contacts);
    }

    private static async Task<int[]> AttemptsAsync(INotificationLedger ledger, IEnumerable<System.Text.Json.Nodes.JsonObject> events)
    {
        var attempts = new List<int>();
        foreach (var logId in events.Select(Auth0Fixtures.LogIdOf))
        {
            var row = await ledger.FindAsync(logId, "auth0", CancellationToken.None);
            Assert.NotEqual(NotificationStatus.Rejected, row?.Status);
            attempts.Add(row?.Attempts ?? 0);
        }

        return [.. attempts];
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();
}
