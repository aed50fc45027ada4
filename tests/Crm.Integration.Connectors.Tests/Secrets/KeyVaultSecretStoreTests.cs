using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Connectors.Tests.Secrets;

/// <summary>The Key Vault secret store as the host wires it, against Key Vault's REST API over HTTPS (WireMock).</summary>
public sealed class KeyVaultSecretStoreTests : IAsyncDisposable
{
    private readonly KeyVaultEmulator _vault = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private ServiceProvider? _provider;

    [Fact]
    public async Task Read_GoesThroughKeyVaultsChallenge_AndIsKeptForTheRefreshInterval()
    {
        _vault.Set("HubSpotAccessToken", "pat-1");
        var store = Store();

        Assert.Equal("pat-1", await store.GetAsync("HubSpotAccessToken", CancellationToken.None));
        Assert.Equal("pat-1", await store.GetAsync("HubSpotAccessToken", CancellationToken.None));

        Assert.Equal(1, _vault.Reads("HubSpotAccessToken"));
        Assert.IsType<KeyVaultSecretStore>(store);
    }

    [Fact]
    public async Task RotatedSecret_IsUsedAfterTheRefreshInterval_WithoutARestart()
    {
        _vault.Set("Auth0LogStreamToken", "old");
        var store = Store();
        await store.GetAsync("Auth0LogStreamToken", CancellationToken.None);

        _vault.Set("Auth0LogStreamToken", "new");
        var before = await store.GetAsync("Auth0LogStreamToken", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));
        var after = await store.GetAsync("Auth0LogStreamToken", CancellationToken.None);

        Assert.Equal(("old", "new"), (before, after));
    }

    [Fact]
    public async Task RefreshAfterARefusal_ReadsTheVaultAtOnce_ButNotMoreThanEveryTenSeconds()
    {
        _vault.Set("HubSpotAccessToken", "old");
        var store = Store();
        await store.GetAsync("HubSpotAccessToken", CancellationToken.None);
        _vault.Set("HubSpotAccessToken", "new");

        _time.Advance(TimeSpan.FromSeconds(10)); // KeyVault:MinimumRereadInterval
        var refreshed = await store.RefreshAsync("HubSpotAccessToken", CancellationToken.None);
        await store.RefreshAsync("HubSpotAccessToken", CancellationToken.None);

        Assert.Equal("new", refreshed);
        Assert.Equal(2, _vault.Reads("HubSpotAccessToken"));
    }

    [Fact]
    public async Task MissingSecretAtStart_StopsTheHost_NamingTheSecretAndTheVault_NeverAValue()
    {
        _vault.Set("Auth0LogStreamToken", "present-value");
        Store();
        var check = _provider!.GetServices<IHostedService>().OfType<RequiredSecretsCheck>().Single();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => check.StartAsync(CancellationToken.None));

        Assert.Contains("Secret 'HubSpotAccessToken' is not set (no secret of that name in Key Vault https://", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Auth0LogStreamToken", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("present-value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VaultUnreachableAfterStart_KeepsServingTheValuesInHand_AndReportsNotReady()
    {
        _vault.Set("HubSpotAccessToken", "pat-1");
        var store = Store();
        await store.GetAsync("HubSpotAccessToken", CancellationToken.None);
        Assert.Equal(HealthStatus.Healthy, (await Health()).Status);

        _vault.Stop();
        _time.Advance(TimeSpan.FromMinutes(6));
        var served = await store.GetAsync("HubSpotAccessToken", CancellationToken.None);

        Assert.Equal("pat-1", served);
        var report = await Health();
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["keyvault"].Status);
        Assert.Contains("cannot be read", report.Entries["keyvault"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VaultUnreachableBeforeAnythingWasRead_IsAnError_ThatSaysSo()
    {
        var store = Store();
        _vault.Stop();

        var error = await Assert.ThrowsAsync<SecretStoreUnavailableException>(() => store.GetAsync("HubSpotAccessToken", CancellationToken.None).AsTask());

        Assert.Contains("Key Vault", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAVaultUri_SecretsComeFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Secrets:HubSpotAccessToken"] = "from-config" }).Build();
        using var provider = new ServiceCollection().AddLogging().AddSecrets(configuration).BuildServiceProvider();

        Assert.IsNotType<KeyVaultSecretStore>(provider.GetRequiredService<ISecretStore>());
    }

    private ISecretStore Store()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyVault:VaultUri"] = _vault.VaultUri.ToString(),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time).AddSingleton(_vault.Client());
        services.AddSecrets(configuration)
            .AddRequiredSecret(SecretNames.Auth0LogStreamToken, "the webhook")
            .AddRequiredSecret(SecretNames.HubSpotAccessToken, "HubSpot API calls");
        _provider = services.BuildServiceProvider();
        return _provider.GetRequiredService<ISecretStore>();
    }

    private Task<HealthReport> Health() => _provider!.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        _vault.Dispose();
    }
}
