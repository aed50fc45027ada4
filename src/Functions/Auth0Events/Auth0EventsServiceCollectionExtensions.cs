using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Hosting;

namespace Crm.Integration.Functions.Auth0Events;

internal static class Auth0EventsServiceCollectionExtensions
{
    public static IServiceCollection AddAuth0Events(this IServiceCollection services, IConfiguration configuration)
    {
        // The webhook sends to this entity and the trigger receives from it: without an address neither can work.
        services.AddOptions<ServiceBusOptions>()
            .Validate(
                o => o.Entities.TryGetValue(QueueNames.Auth0LogEvents, out var address) && !string.IsNullOrWhiteSpace(address),
                $"{ServiceBusOptions.SectionName}:Entities:{QueueNames.Auth0LogEvents} is not set: the address of the Auth0 log-events queue.")
            .ValidateOnStart();
        services.AddSingleton<Auth0LogEventHandler>();
        if (!FunctionSwitches.IsDisabled(configuration, FunctionSwitches.Auth0Events))
        {
            services.AddHostedService<Auth0EventsTrigger>();
        }

        return services;
    }
}
