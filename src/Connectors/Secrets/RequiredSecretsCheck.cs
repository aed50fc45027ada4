using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Secrets;

/// <summary>A secret the host cannot run without, and what needs it (for the start-up message).</summary>
public sealed record RequiredSecret(string Name, string NeededFor);

/// <summary>
/// Fails closed: the host does not start while a required secret is missing, and says which (never a value).
/// Each part of the host declares its own with <see cref="RequiredSecretsExtensions.AddRequiredSecret"/>.
/// </summary>
internal sealed class RequiredSecretsCheck(ISecretStore secrets, IEnumerable<RequiredSecret> required, IOptions<KeyVaultOptions> vault) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var missing = new List<string>();
        foreach (var secret in required.DistinctBy(s => s.Name))
        {
            if (await secrets.GetAsync(secret.Name, cancellationToken).ConfigureAwait(false) is null)
            {
                var where = vault.Value.VaultUri is { } uri
                    ? $"no secret of that name in Key Vault {uri}"
                    : $"configuration Secrets:{secret.Name}, environment variable Secrets__{secret.Name}";
                missing.Add($"Secret '{secret.Name}' is not set ({where}); it is needed for {secret.NeededFor}.");
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, missing));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public static class RequiredSecretsExtensions
{
    public static IServiceCollection AddRequiredSecret(this IServiceCollection services, string name, string neededFor)
    {
        services.AddSingleton(new RequiredSecret(name, neededFor));
        if (!services.Any(s => s.ImplementationType == typeof(RequiredSecretsCheck)))
        {
            services.AddHostedService<RequiredSecretsCheck>();
        }

        return services;
    }
}
