using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>The broker connection, the sender, the queue listener and the "servicebus" readiness check.</summary>
    public static IServiceCollection AddServiceBus(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServiceBusOptions>()
            .Bind(configuration.GetSection(ServiceBusOptions.SectionName))
            .Validate(o => o.MaxReconnectDelay >= o.MinReconnectDelay,
                $"{ServiceBusOptions.SectionName}:MaxReconnectDelay must not be shorter than MinReconnectDelay.")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceBusOptions>, ServiceBusOptionsValidator>();

        services.AddOptions<ServiceBusTriggerOptions>()
            .Bind(configuration.GetSection(ServiceBusTriggerOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceBusTriggerOptions>, ServiceBusTriggerOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AmqpConnection>();
        services.AddSingleton<QueueListenerStatus>();
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
