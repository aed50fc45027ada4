using Crm.Integration.Connectors;
using Crm.Integration.Functions.DeadLetters;
using Crm.Integration.Functions.Erasure;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.Retention;

namespace Crm.Integration.Functions.Operations;

internal static class OperationsServiceCollectionExtensions
{
    /// <summary>
    /// Retention (the <c>NotificationsCleanup</c> timer trigger, unless <c>AzureWebJobs:NotificationsCleanup:Disabled</c>,
    /// and the job behind the on-demand run), erasure, and dead-letter listing and replay. The endpoints are mapped with the admin API.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<RetentionOptions, RetentionOptionsValidator>(configuration.GetSection(RetentionOptions.SectionName));
        services.AddSingleton<NotificationsCleanup>();
        services.AddSingleton<PersonErasure>();
        services.AddSingleton<DeadLetterReasons>();
        services.AddSingleton<DeadLetterOperations>();
        if (!FunctionSwitches.IsDisabled(configuration, FunctionSwitches.NotificationsCleanup))
        {
            services.AddHostedService<NotificationsCleanupTrigger>();
        }

        services.AddHostedService<PersonFingerprintKeyCheck>();
        return services;
    }
}
