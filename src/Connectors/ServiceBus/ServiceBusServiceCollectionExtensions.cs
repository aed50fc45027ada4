using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>The broker connections (one to send, one to receive), the sender, the queue listener and the "servicebus" readiness check.</summary>
    public static IServiceCollection AddServiceBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ServiceBusOptions, ServiceBusOptionsValidator>(configuration.GetSection(ServiceBusOptions.SectionName))
            .Validate(o => o.MaxReconnectDelay >= o.MinReconnectDelay,
                $"{ServiceBusOptions.SectionName}:MaxReconnectDelay must not be shorter than MinReconnectDelay.");
        services.AddValidatedOptions<ServiceBusTriggerOptions, ServiceBusTriggerOptionsValidator>(
            configuration.GetSection(ServiceBusTriggerOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        foreach (var role in new[] { AmqpConnection.Sending, AmqpConnection.Receiving })
        {
            services.AddKeyedSingleton(role, (provider, _) => new AmqpConnection(
                role, provider.GetRequiredService<IOptions<ServiceBusOptions>>(), provider.GetRequiredService<ILogger<AmqpConnection>>()));
        }

        services.AddSingleton<QueueListenerStatus>();
        services.AddSingleton<ReceiveGate>();
        services.AddSingleton<IQueueSender, AmqpQueueSender>();
        services.AddSingleton<IQueueListener, AmqpQueueListener>();
        services.AddHealthChecks().AddCheck<ServiceBusHealthCheck>("servicebus", tags: ["ready"]);
        return services;
    }
}

[OptionsValidator]
internal sealed partial class ServiceBusOptionsValidator : IValidateOptions<ServiceBusOptions>;

[OptionsValidator]
internal sealed partial class ServiceBusTriggerOptionsValidator : IValidateOptions<ServiceBusTriggerOptions>;
