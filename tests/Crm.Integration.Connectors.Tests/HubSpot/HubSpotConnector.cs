using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.Connectors.Tests.HubSpot;

/// <summary>The HubSpot connector as the host wires it, pointed at a test peer, with fast retries.</summary>
internal sealed class HubSpotConnector : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public HubSpotConnector(Uri baseAddress, IHubSpotTokenSource? tokens = null, Dictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["HubSpot:BaseAddress"] = baseAddress.ToString(),
            ["HubSpot:RetryBaseDelay"] = "00:00:00.020",
            ["HubSpot:MaxRetries"] = "3",
            ["HubSpot:AttemptTimeout"] = "00:00:02",
            [$"Secrets:{SecretNames.HubSpotAccessToken}"] = "test-token",
        };
        foreach (var (key, value) in settings ?? [])
        {
            values[key] = value;
        }

        Configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddSecrets(Configuration);
        if (tokens is not null)
        {
            services.AddSingleton(tokens);
        }

        _provider = services.AddHubSpot(Configuration).BuildServiceProvider();
    }

    /// <summary>The settings and secrets (<c>Secrets:*</c>) in force; a test may change them, as an operator would.</summary>
    public IConfigurationRoot Configuration { get; }

    public IHubSpotTokenSource Tokens => _provider.GetRequiredService<IHubSpotTokenSource>();

    public Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthReport> HealthAsync() =>
        _provider.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>().CheckHealthAsync();

    public IHubSpotContacts Contacts => _provider.GetRequiredService<IHubSpotContacts>();

    public ITransactionalEmail Email => _provider.GetRequiredService<ITransactionalEmail>();

    public IHubSpotCustomEvents CustomEvents => _provider.GetRequiredService<IHubSpotCustomEvents>();

    public IHubSpotMarketingEmails MarketingEmails => _provider.GetRequiredService<IHubSpotMarketingEmails>();

    public HubSpotRateLimiter Limiter => _provider.GetRequiredService<HubSpotRateLimiter>();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
