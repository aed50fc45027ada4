using Crm.Integration.Connectors;
using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Functions.Auth0Events;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Auth0LogStream;

internal static class Auth0LogStreamServiceCollectionExtensions
{
    public static IServiceCollection AddAuth0LogStream(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<Auth0LogStreamOptions, Auth0LogStreamOptionsValidator>(configuration.GetSection(Auth0LogStreamOptions.SectionName))
            .Validate(
                o => o.ForwardedTypes.All(Auth0EventTypes.IsHandled),
                $"{Auth0LogStreamOptions.SectionName}:ForwardedTypes may only name log types that have a handler: {string.Join(", ", Auth0EventTypes.Handled)}.");
        services.AddSingleton<Auth0LogStreamMetrics>();
        services.AddSingleton<Auth0LogStreamHandler>();
        services.AddSingleton<LogStreamTokens>();
        // Fails closed: without a token the webhook would have to accept every caller or none.
        services.AddRequiredSecret(SecretNames.Auth0LogStreamToken, "authenticating Auth0 log-stream deliveries");
        return services;
    }
}

[OptionsValidator]
internal sealed partial class Auth0LogStreamOptionsValidator : IValidateOptions<Auth0LogStreamOptions>;
