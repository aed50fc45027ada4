using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.Connectors.Secrets;

public static class SecretsServiceCollectionExtensions
{
    public static IServiceCollection AddSecrets(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ISecretStore>(new ConfigurationSecretStore(configuration));
        return services;
    }
}
