namespace Crm.Integration.Functions.Execution;

internal static class ExecutionServiceCollectionExtensions
{
    /// <summary>The executor every queue handler hands its plans to, and the facts handlers decide with.</summary>
    public static IServiceCollection AddExecution(this IServiceCollection services)
    {
        services.AddSingleton<IEventFacts, EventFacts>();
        services.AddSingleton<PlanExecutor>();
        return services;
    }
}
