using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

public static class ServiceBusServiceCollectionExtensions
{
    /// <summary>
    /// The sender, the queue listener and the "servicebus" readiness check of the transport named by
    /// <c>ServiceBus:Transport</c> (<see cref="ServiceBusTransport.Amqp"/> unless set), and the receive gate both honour.
    /// </summary>
    public static IServiceCollection AddServiceBus(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(ServiceBusOptions.SectionName);
        services.AddValidatedOptions<ServiceBusOptions, ServiceBusOptionsValidator>(section)
            .Validate(o => o.MaxReconnectDelay >= o.MinReconnectDelay,
                $"{ServiceBusOptions.SectionName}:MaxReconnectDelay must not be shorter than MinReconnectDelay.")
            .Validate(o => o.Transport != ServiceBusTransport.AzureServiceBus
                    || !string.IsNullOrWhiteSpace(o.ConnectionString) || !string.IsNullOrWhiteSpace(o.FullyQualifiedNamespace),
                $"{ServiceBusOptions.SectionName}:Transport is AzureServiceBus: set {ServiceBusOptions.SectionName}:FullyQualifiedNamespace"
                + $" (token credential) or {ServiceBusOptions.SectionName}:ConnectionString.")
            .Validate(o => o.Transport != ServiceBusTransport.Amqp || !string.IsNullOrWhiteSpace(o.Host),
                $"{ServiceBusOptions.SectionName}:Host is not set (the broker's host name; 127.0.0.1 for the local RabbitMQ).")
            .Validate(o => o.Transport != ServiceBusTransport.Amqp || !string.IsNullOrWhiteSpace(o.KeyName),
                $"{ServiceBusOptions.SectionName}:KeyName is not set (SASL user; guest on the local RabbitMQ).")
            .Validate(o => o.Transport != ServiceBusTransport.Amqp || !string.IsNullOrWhiteSpace(o.Key),
                $"{ServiceBusOptions.SectionName}:Key is not set (SASL password; guest on the local RabbitMQ).");
        services.AddValidatedOptions<ServiceBusTriggerOptions, ServiceBusTriggerOptionsValidator>(
            configuration.GetSection(ServiceBusTriggerOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.AddHubMetrics();
        services.AddSingleton<QueueListenerStatus>();
        services.AddSingleton<ReceiveGate>();

        // Chosen here, once: the two transports register different services (connections, or one client).
        var transport = section.GetValue<ServiceBusTransport?>(nameof(ServiceBusOptions.Transport)) ?? ServiceBusTransport.Amqp;
        return transport == ServiceBusTransport.AzureServiceBus ? services.AddAzureServiceBusTransport() : services.AddAmqpTransport();
    }
}

[OptionsValidator]
internal sealed partial class ServiceBusOptionsValidator : IValidateOptions<ServiceBusOptions>;

[OptionsValidator]
internal sealed partial class ServiceBusTriggerOptionsValidator : IValidateOptions<ServiceBusTriggerOptions>;
