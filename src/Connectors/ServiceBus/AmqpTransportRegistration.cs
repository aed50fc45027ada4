using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

internal static class AmqpTransportRegistration
{
    /// <summary>The AMQP 1.0 transport: two broker connections (one to send, one to receive), sender, listener, dead letters, readiness.</summary>
    public static IServiceCollection AddAmqpTransport(this IServiceCollection services)
    {
        foreach (var role in new[] { AmqpConnection.Sending, AmqpConnection.Receiving })
        {
            services.AddKeyedSingleton(role, (provider, _) => new AmqpConnection(
                role, provider.GetRequiredService<IOptions<ServiceBusOptions>>(), provider.GetRequiredService<ILogger<AmqpConnection>>()));
        }

        services.AddSingleton<IQueueSender, AmqpQueueSender>();
        services.AddSingleton<IQueueListener, AmqpQueueListener>();
        services.AddSingleton<IDeadLetters, AmqpDeadLetters>();
        services.AddHealthChecks().AddCheck<AmqpHealthCheck>("servicebus", tags: ["ready"]);
        return services;
    }
}
