namespace Crm.Integration.Functions.Auth0Events;

internal static class Auth0EventsServiceCollectionExtensions
{
    public static IServiceCollection AddAuth0Events(this IServiceCollection services)
    {
        services.AddSingleton<Auth0LogEventHandler>();
        services.AddHostedService<Auth0EventsTrigger>();
        return services;
    }
}
