using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Secrets;
using Crm.Integration.HubSpotSimulator;
using Crm.Integration.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Connectors.Tests.HubSpot;

/// <summary>HubSpot OAuth access tokens from the refresh token, against the simulator's <c>/oauth/v1/token</c>.</summary>
public sealed class HubSpotOAuthTests
{
    private const string RefreshToken = "refresh-1";

    [Fact]
    public async Task FirstCall_GetsAnAccessTokenFromTheRefreshToken_AndUsesItUntilShortlyBeforeItExpires()
    {
        await using var simulator = await RunningSimulator.StartAsync(Portal);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var connector = Connector(simulator, time);

        await LookupAsync(connector);
        time.Advance(TimeSpan.FromMinutes(24));
        await LookupAsync(connector);
        time.Advance(TimeSpan.FromMinutes(1.5)); // 25.5 min: within the 5-minute margin of the 30-minute token
        await LookupAsync(connector);

        Assert.Equal(2, simulator.Portal.TokenRequests);
        Assert.Equal(3, simulator.Portal.Traffic.UpsertBatchSizes.Count + CountLookups(simulator));
    }

    [Fact]
    public async Task TokenRefusedByHubSpot_401_IsRenewedOnce_AndTheCallGoesThrough()
    {
        await using var simulator = await RunningSimulator.StartAsync(Portal);
        await using var connector = Connector(simulator);
        await LookupAsync(connector);

        simulator.Portal.IssuedTokens.Clear(); // HubSpot no longer knows the token in hand
        var found = await connector.Contacts.FindAsync(ContactKey.ByEmail("nobody@example.com"), CancellationToken.None);

        Assert.Equal(ContactLookupKind.NotFound, found.Kind);
        Assert.Equal(2, simulator.Portal.TokenRequests);
    }

    [Fact]
    public async Task ConcurrentCallers_ShareOneRenewal()
    {
        await using var simulator = await RunningSimulator.StartAsync(Portal);
        await using var connector = Connector(simulator);

        await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => connector.Contacts.FindAsync(ContactKey.ByEmail("nobody@example.com"), CancellationToken.None)));

        Assert.Equal(1, simulator.Portal.TokenRequests);
    }

    [Fact]
    public async Task RefreshTokenRefused_StopsCallingHubSpot_SaysTheAppMustBeReauthorised_AndResumesWithANewRefreshToken()
    {
        await using var simulator = await RunningSimulator.StartAsync(Portal);
        await using var connector = Connector(simulator, refreshToken: "revoked");

        var first = await connector.Contacts.FindAsync(ContactKey.ByEmail("nobody@example.com"), CancellationToken.None);
        var second = await connector.Contacts.FindAsync(ContactKey.ByEmail("nobody@example.com"), CancellationToken.None);

        Assert.Equal((ContactLookupKind.Transient, "REAUTHORIZATION_REQUIRED"), (first.Kind, first.Error!.Category));
        Assert.Equal(ContactLookupKind.Transient, second.Kind);
        Assert.Equal(1, simulator.Portal.TokenRequests);
        Assert.Equal(0, CountLookups(simulator));
        Assert.Contains("BAD_REFRESH_TOKEN", connector.Tokens.AuthorizationProblem, StringComparison.Ordinal);
        var health = (await connector.HealthAsync()).Entries["hubspot"];
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Contains("re-authorised", health.Description, StringComparison.Ordinal);

        connector.Configuration[$"Secrets:{SecretNames.HubSpotRefreshToken}"] = RefreshToken; // the operator stores the new one
        var resumed = await connector.Contacts.FindAsync(ContactKey.ByEmail("nobody@example.com"), CancellationToken.None);

        Assert.Equal(ContactLookupKind.NotFound, resumed.Kind);
        Assert.Null(connector.Tokens.AuthorizationProblem);
    }

    private static void Portal(SimulatorOptions options)
    {
        options.AccessToken = "private-app-token-not-used";
        options.OAuthRefreshToken = RefreshToken;
    }

    private static HubSpotConnector Connector(RunningSimulator simulator, TimeProvider? time = null, string refreshToken = RefreshToken) =>
        new(simulator.BaseAddress, settings: new()
        {
            ["HubSpot:Authentication"] = "OAuth",
            [$"Secrets:{SecretNames.HubSpotAccessToken}"] = null,
            [$"Secrets:{SecretNames.HubSpotClientId}"] = "simulator-client",
            [$"Secrets:{SecretNames.HubSpotClientSecret}"] = "simulator-secret",
            [$"Secrets:{SecretNames.HubSpotRefreshToken}"] = refreshToken,
        }, time: time);

    private static async Task LookupAsync(HubSpotConnector connector) =>
        Assert.Equal(ContactLookupKind.NotFound, (await connector.Contacts.FindAsync(ContactKey.ByEmail("nobody@example.com"), CancellationToken.None)).Kind);

    private static int CountLookups(RunningSimulator simulator) =>
        System.Text.Json.JsonSerializer.SerializeToNode(simulator.Portal.Traffic.Snapshot())!["byPath"]!.AsObject()
            .Where(p => p.Key.StartsWith("/crm/v3/objects/contacts/", StringComparison.Ordinal) && !p.Key.EndsWith("/upsert", StringComparison.Ordinal))
            .Sum(p => (int)p.Value!);
}
