using Crm.Integration.Connectors;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.PlatformEvents;

internal static class PlatformEventsServiceCollectionExtensions
{
    public static IServiceCollection AddPlatformEvents(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PlatformEventsOptions, PlatformEventsOptionsValidator>(configuration.GetSection(PlatformEventsOptions.SectionName));
        services.AddOptions<ServiceBusOptions>()
            .Validate(
                o => o.Entities.TryGetValue(QueueNames.PlatformEvents, out var address) && !string.IsNullOrWhiteSpace(address),
                $"{ServiceBusOptions.SectionName}:Entities:{QueueNames.PlatformEvents} is not set: the address of the platform-events queue (or topic subscription).")
            .ValidateOnStart();

        services.AddSingleton<Recipients>();
        services.AddSingleton<EmailTemplateCatalog>();
        services.AddSingleton<SendStatusWatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<SendStatusWatcher>());
        services.AddSingleton<TransactionalEmailHandler>();
        LookupSettings<TaskSignupSettings>.Register(services, TaskSignupSettings.LookupPartition, TaskSignupSettings.From, TaskSignupSettings.Defaults);
        services.AddSingleton<TaskSignupHandler>();
        if (!FunctionSwitches.IsDisabled(configuration, FunctionSwitches.PlatformEvents))
        {
            services.AddHostedService<PlatformEventsTrigger>();
        }

        return services;
    }
}

[OptionsValidator]
internal sealed partial class PlatformEventsOptionsValidator : IValidateOptions<PlatformEventsOptions>;
