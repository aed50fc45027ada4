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
    private PrivateBrokerHub _hub = null!;

    public async Task InitializeAsync()
    {
        _vault.Set(SecretNames.Auth0LogStreamToken, "vault-token-1");
        _vault.Set(SecretNames.HubSpotAccessToken, "vault-hubspot-token");
        _hub = await PrivateBrokerHub.StartAsync(
            "Vault",
            simulator: o => o.AccessToken = "vault-hubspot-token",
            settings: s =>
            {
                s[$"Secrets:{SecretNames.Auth0LogStreamToken}"] = null;
                s[$"Secrets:{SecretNames.HubSpotAccessToken}"] = null;
                s["KeyVault:VaultUri"] = _vault.VaultUri.ToString();
                s["KeyVault:MinimumRereadInterval"] = "00:00:00";
            },
            // Only the credential and the certificate trust differ from production: a managed identity is not to be had here.
            services: services => services.AddSingleton(_vault.Client()));
    }

    [Fact]
    public async Task SecretsFromTheVault_AuthenticateAuth0AndHubSpot_AndARotatedTokenWorksAtOnce_ThePreviousOneForTheGracePeriod()
    {
        var first = LogStreamRequests.Envelopes(LogStreamRequests.RunId(), "ss__elastic__db-signup.json");
        using (var accepted = await _hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "vault-token-1")))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(!_hub.HubSpot.Portal.Contacts.IsEmpty), Patience, "the contact written with the vault's HubSpot token");
        using (var wrong = await _hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "not-in-the-vault")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        _vault.Set(SecretNames.Auth0LogStreamToken, "vault-token-2"); // rotated in the vault; no restart
        using (var rotated = await _hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "vault-token-2")))
        {
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        }

        using (var previous = await _hub.Client.SendAsync(LogStreamRequests.Post(Auth0Fixtures.AsArray(first), token: "vault-token-1")))
        {
            Assert.Equal(HttpStatusCode.OK, previous.StatusCode); // Auth0's setting not changed yet: within the grace period
        }

        using var ready = await _hub.Client.GetAsync("/api/health/ready");
        Assert.Contains("\"keyvault\":{\"status\":\"Healthy\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _vault.Dispose();
    }
}
