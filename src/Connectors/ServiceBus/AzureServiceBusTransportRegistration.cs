using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

internal static class AzureServiceBusTransportRegistration
{
    /// <summary>
    /// The Azure transport: one <see cref="ServiceBusClient"/> for the host, registered through Microsoft.Extensions.Azure
    /// with the host's <see cref="TokenCredential"/> (or <see cref="DefaultAzureCredential"/> when the host registers
    /// none) or a connection string; sender, listener, dead letters, readiness.
    /// </summary>
    public static IServiceCollection AddAzureServiceBusTransport(this IServiceCollection services)
    {
        services.AddAzureClients(azure =>
        {
            azure.AddClient<ServiceBusClient, ServiceBusClientOptions>((clientOptions, credential, provider) =>
            {
                var options = provider.GetRequiredService<IOptions<ServiceBusOptions>>().Value;
                return string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? new ServiceBusClient(options.FullyQualifiedNamespace, credential, clientOptions)
                    : new ServiceBusClient(options.ConnectionString, clientOptions);
            });
            azure.UseCredential(provider => provider.GetService<TokenCredential>() ?? new DefaultAzureCredential());
        });

        services.AddMetrics();
        services.AddSingleton<ServiceBusSettlementMetrics>();
        services.AddSingleton<IQueueSender, ServiceBusQueueSender>();
        services.AddSingleton<IQueueListener, ServiceBusQueueListener>();
        services.AddSingleton<IDeadLetters, ServiceBusDeadLetters>();
        services.AddHealthChecks().AddCheck<ServiceBusHealthCheck>("servicebus", tags: ["ready"]);
        return services;
    }
}
