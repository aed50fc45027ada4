using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// The one <see cref="TokenCredential"/> every Azure client of the hub uses (Table Storage, Key Vault, Service Bus),
    /// built once from settings: the user-assigned managed identity named by <c>AzureIdentity:ManagedIdentityClientId</c>,
    /// or <c>DefaultAzureCredential</c> without one. One instance, so that its token cache is shared. A credential
    /// registered before this call (a test's) is kept.
    /// </summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AzureIdentityOptions>().Bind(configuration.GetSection(AzureIdentityOptions.SectionName));
        services.TryAddSingleton<TokenCredential>(provider =>
        {
            var clientId = provider.GetRequiredService<IOptions<AzureIdentityOptions>>().Value.ManagedIdentityClientId;
            return string.IsNullOrWhiteSpace(clientId)
                ? new DefaultAzureCredential()
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        });
        return services;
    }
}
