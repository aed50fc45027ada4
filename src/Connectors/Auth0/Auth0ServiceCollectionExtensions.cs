using Crm.Integration.Connectors.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Auth0;

public static class Auth0ServiceCollectionExtensions
{
    /// <summary>The Management API user reader, with retries that honour Auth0's 429 <c>Retry-After</c>.</summary>
    public static IServiceCollection AddAuth0Management(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<Auth0Options, Auth0OptionsValidator>(configuration.GetSection(Auth0Options.SectionName))
            .Validate(o => o.BaseAddress is null || (o.BaseAddress.IsAbsoluteUri && (o.BaseAddress.Scheme == Uri.UriSchemeHttps || o.BaseAddress.Scheme == Uri.UriSchemeHttp)),
                $"{Auth0Options.SectionName}:BaseAddress must be an absolute http(s):// address, e.g. https://my-tenant.eu.auth0.com/.");
        services.TryAddSingleton(TimeProvider.System);

        if (configuration.GetSection(Auth0Options.SectionName)["BaseAddress"] is not { Length: > 0 })
        {
            services.AddSingleton<IAuth0Users, UnconfiguredAuth0Users>();
            return services;
        }

        void Configure(IServiceProvider provider, HttpClient http) => http.BaseAddress = provider.GetRequiredService<IOptions<Auth0Options>>().Value.BaseAddress;

        services.AddHttpClient(Auth0ManagementToken.HttpClientName, Configure).AddStandardResilienceHandler(Tune);
        services.AddSingleton<Auth0ManagementToken>();
        services.AddSingleton<IAuth0Users, Auth0UsersClient>();
        var users = services.AddHttpClient(Auth0UsersClient.HttpClientName, Configure);
        users.AddStandardResilienceHandler(Tune);
        users.AddHttpMessageHandler(provider => new BearerTokenHandler(provider.GetRequiredService<Auth0ManagementToken>())); // inside: each attempt carries the current token
        return services;
    }

    private static void Tune(HttpStandardResilienceOptions resilience)
    {
        resilience.Retry.MaxRetryAttempts = 3;
        resilience.Retry.Delay = TimeSpan.FromMilliseconds(300);
        resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
        resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(45);
    }
}

[OptionsValidator]
internal sealed partial class Auth0OptionsValidator : IValidateOptions<Auth0Options>;
