using Crm.Integration.Connectors;
using Crm.Integration.Functions.Hosting;

namespace Crm.Integration.Functions.Summaries;

internal static class SummariesServiceCollectionExtensions
{
    /// <summary>
    /// The daily summary: the job behind the on-demand run and the <c>DailySummary</c> timer trigger (unless
    /// <c>AzureWebJobs:DailySummary:Disabled</c>). The endpoints are mapped with the admin API.
    /// </summary>
    public static IServiceCollection AddSummaries(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<SummaryOptions, SummaryOptionsValidator>(configuration.GetSection(SummaryOptions.SectionName));
        services.AddSingleton<DailySummaryJob>();
        if (!FunctionSwitches.IsDisabled(configuration, FunctionSwitches.DailySummary))
        {
            services.AddHostedService<DailySummaryTrigger>();
        }

        return services;
    }
}
