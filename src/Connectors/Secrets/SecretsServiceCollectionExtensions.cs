using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Secrets;

public static class SecretsServiceCollectionExtensions
{
    /// <summary>
    /// The secret store: Key Vault when <c>KeyVault:VaultUri</c> is set, reached with the hub's one
    /// <see cref="TokenCredential"/> (AddAzureCredential), with a "keyvault" readiness check; otherwise configuration
    /// section <c>Secrets</c>, the local default.
    /// </summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(KeyVaultOptions.SectionName);
        services.AddValidatedOptions<KeyVaultOptions, KeyVaultOptionsValidator>(section)
            .Validate(
                o => o.VaultUri is null || (o.VaultUri.IsAbsoluteUri && o.VaultUri.Scheme == Uri.UriSchemeHttps),
                $"{KeyVaultOptions.SectionName}:VaultUri must be an absolute https:// address, e.g. https://my-vault.vault.azure.net/.");
        services.TryAddSingleton(TimeProvider.System);
        if (string.IsNullOrWhiteSpace(section["VaultUri"]))
        {
            services.AddSingleton<ISecretStore>(new ConfigurationSecretStore(configuration));
            return services;
        }

        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
            var clientOptions = new SecretClientOptions();
            // The SDK retries on its own (Azure SDK guidance: tune ClientOptions, do not wrap in Polly again).
            clientOptions.Retry.MaxRetries = 2;
            clientOptions.Retry.Mode = RetryMode.Exponential;
            clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
            return new SecretClient(options.VaultUri!, provider.GetRequiredService<TokenCredential>(), clientOptions);
        });
        services.AddSingleton<KeyVaultSecretStore>();
        services.AddSingleton<ISecretStore>(provider => provider.GetRequiredService<KeyVaultSecretStore>());
        services.AddHealthChecks().AddCheck<KeyVaultHealthCheck>("keyvault", tags: ["ready"]);
        return services;
    }
}

[OptionsValidator]
internal sealed partial class KeyVaultOptionsValidator : IValidateOptions<KeyVaultOptions>;

/// <summary>Not ready while the vault cannot be read: the host serves with the values in hand, but a rotation would not reach it.</summary>
internal sealed class KeyVaultHealthCheck(KeyVaultSecretStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.LastFailure is { } failure
            ? HealthCheckResult.Unhealthy($"{failure} Serving with the secrets read before.")
            : HealthCheckResult.Healthy("Key Vault answers."));
}
