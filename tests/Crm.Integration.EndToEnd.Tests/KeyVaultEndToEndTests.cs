using System.Net;
using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// The hub with its secrets in Key Vault (WireMock speaking Key Vault's REST API over HTTPS) instead of configuration,
/// unchanged but for its settings; on a broker of its own, so that it takes no other test's messages.
/// </summary>
[Collection(PrivateBrokerCollection.Name)]
public sealed class KeyVaultEndToEndTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly KeyVaultEmulator _vault = new();
    private RunningSimulator _hubSpot = null!;
    private HubFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(TestStack.Shared.UpAsync("azurite"), TestStack.EndToEndBroker.UpAsync("rabbitmq"));
        _vault.Set(SecretNames.Auth0LogStreamToken, "vault-token-1");
        _vault.Set(SecretNames.HubSpotAccessToken, "vault-hubspot-token");
        _hubSpot = await RunningSimulator.StartAsync(o => o.AccessToken = "vault-hubspot-token");
        var settings = HubFactory.SettingsFor(TestStack.EndToEndBroker, TestStack.Shared, $"Vault{Guid.NewGuid():N}"[..24], _hubSpot.BaseAddress);
        settings[$"Secrets:{SecretNames.Auth0LogStreamToken}"] = null;
        settings[$"Secrets:{SecretNames.HubSpotAccessToken}"] = null;
        settings["KeyVault:VaultUri"] = _vault.VaultUri.ToString();
        settings["KeyVault:MinimumRereadInterval"] = "00:00:00";
        // Only the credential and the certificate trust differ from production: a managed identity is not to be had here.
        _factory = new HubFactory(settings, services => services.AddSingleton(_vault.Client()));
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task SecretsFromTheVault_AuthenticateAuth0AndHubSpot_AndARotatedTokenWorksAtOnce_ThePreviousOneForTheGracePeriod()
    {
        var first = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), "ss__elastic__db-signup.json");
        using (var accepted = await _client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "vault-token-1")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(!_hubSpot.Portal.Contacts.IsEmpty), Patience, "the contact written with the vault's HubSpot token");
        using (var wrong = await _client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "not-in-the-vault")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        _vault.Set(SecretNames.Auth0LogStreamToken, "vault-token-2"); // rotated in the vault; no restart
        using (var rotated = await _client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "vault-token-2")))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        using (var previous = await _client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "vault-token-1")))
        {
            Assert.Equal(HttpStatusCode.OK, previous.StatusCode); // Auth0's setting not changed yet: within the grace period
        }

        using var ready = await _client.GetAsync("/api/health/ready");
        Assert.Contains("\"keyvault\":{\"status\":\"Healthy\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        await _hubSpot.DisposeAsync();
        _vault.Dispose();
    }
}
