using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Crm.Integration.Connectors.HubSpot;

public static class HubSpotServiceCollectionExtensions
{
    /// <summary>
    /// The HubSpot clients. Each call goes: retry (backoff with jitter, HubSpot's own delays honoured) → bearer token
    /// (one refresh on 401) → a permit from the portal's budget → a timeout on the attempt itself → the network.
    /// </summary>
    public static IServiceCollection AddHubSpot(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<HubSpotOptions, HubSpotOptionsValidator>(configuration.GetSection(HubSpotOptions.SectionName))
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true } address && (address.Scheme == Uri.UriSchemeHttps || address.Scheme == Uri.UriSchemeHttp),
                $"{HubSpotOptions.SectionName}:BaseAddress must be an absolute http(s):// address, e.g. https://api.hubapi.com/.");
        services.TryAddSingleton(TimeProvider.System);
        services.AddHubMetrics();
        if (configuration.GetSection(HubSpotOptions.SectionName).GetValue<HubSpotAuthentication?>(nameof(HubSpotOptions.Authentication)) == HubSpotAuthentication.OAuth)
        {
            services.TryAddSingleton<IHubSpotTokenSource, HubSpotOAuthTokenSource>();
            services.AddHttpClient(HubSpotOAuthTokenSource.HttpClientName, (provider, http) =>
                    http.BaseAddress = provider.GetRequiredService<IOptions<HubSpotOptions>>().Value.BaseAddress)
                .AddStandardResilienceHandler();
            services.AddRequiredSecret(SecretNames.HubSpotClientId, "HubSpot OAuth")
                .AddRequiredSecret(SecretNames.HubSpotClientSecret, "HubSpot OAuth")
                .AddRequiredSecret(SecretNames.HubSpotRefreshToken, "HubSpot OAuth");
        }
        else
        {
            services.TryAddSingleton<IHubSpotTokenSource, PrivateAppTokenSource>();
            services.AddRequiredSecret(SecretNames.HubSpotAccessToken, "HubSpot API calls");
        }

        services.AddHealthChecks().AddCheck<HubSpotAuthorizationHealthCheck>("hubspot", tags: ["ready"]);
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<HubSpotOptions>>().Value;
            var limiter = new HubSpotRateLimiter(options.RequestsPerTenSeconds, options.DailyLimit, provider.GetRequiredService<TimeProvider>());
            provider.GetRequiredService<HubMetrics>().ObserveBudget(() => (limiter.InUse, limiter.Limit));
            return limiter;
        });
        services.AddSingleton<IHubSpotBudget>(provider => provider.GetRequiredService<HubSpotRateLimiter>());
        // Before the queue triggers (registered later): hosted services start in order, and no call may go before the first share.
        services.AddValidatedOptions<SharedBudgetOptions, SharedBudgetOptionsValidator>(configuration.GetSection(SharedBudgetOptions.SectionName))
            .Validate(o => o.ReplicaTtl >= o.MinimumTtl, $"{SharedBudgetOptions.SectionName}:{nameof(SharedBudgetOptions.ReplicaTtl)} must be at least HubSpot's 10 s window plus two heartbeat intervals: " +
                "a replica counted gone sooner may still have calls in HubSpot's window, and the others would spend them again.");
        if (configuration.GetValue(SharedBudgetOptions.SectionName + ":" + nameof(SharedBudgetOptions.Enabled), defaultValue: true))
        {
            services.AddHostedService<SharedBudgetCoordinator>();
        }

        services.AddSingleton<SharedBudgetStatus>();
        services.AddSingleton<IReplicaCensus>(provider => provider.GetRequiredService<SharedBudgetStatus>());
        services.AddHealthChecks().AddCheck<HubSpotBudgetHealthCheck>("hubspot-budget", tags: ["ready"]);
        services.AddTransient<HubSpotAuthHandler>();
        services.AddTransient<HubSpotAttemptTimeoutHandler>();
        services.AddTransient<HubSpotCallMetricsHandler>();
        // Usage per minute, persisted (Operations table) by the flusher; the storage side is AddTableStorage's IHubSpotUsage.
        services.TryAddSingleton<HubSpotUsageCounter>();
        services.AddHostedService<HubSpotUsageFlusher>();

        AddClient<IHubSpotContacts, HubSpotContactsClient>(services, HubSpotContactsClient.HttpClientName, Budget.Counts);
        AddClient<IHubSpotCustomEvents, HubSpotCustomEventsClient>(services, HubSpotCustomEventsClient.HttpClientName, Budget.Counts);
        AddClient<IHubSpotMarketingEmails, HubSpotMarketingEmailsClient>(services, HubSpotMarketingEmailsClient.HttpClientName, Budget.Counts);
        AddClient<IHubSpotGdpr, HubSpotGdprClient>(services, HubSpotGdprClient.HttpClientName, Budget.Counts);
        services.AddSingleton<ITransactionalEmail, HubSpotTransactionalEmailClient>();
        // Batching and coalescing of contact writes are HubSpot's concern: one batcher for the process, one rule.
        services.AddValidatedOptions<ContactBatchingOptions, ContactBatchingOptionsValidator>(configuration.GetSection(ContactBatchingOptions.SectionName));
        services.AddSingleton(provider =>
        {
            var batcher = ActivatorUtilities.CreateInstance<ContactBatcher>(provider);
            provider.GetRequiredService<HubMetrics>().ObserveContactsWaiting(() => batcher.Waiting);
            return batcher;
        });
        services.AddSingleton<IHubSpotContactWriter>(provider => provider.GetRequiredService<ContactBatcher>());
        Configure(services.AddHttpClient(HubSpotTransactionalEmailClient.SendClient), Budget.Exempt);
        // Status reads follow sends already made: they can wait while contact writes need the budget.
        Configure(services.AddHttpClient(HubSpotTransactionalEmailClient.StatusClient), Budget.Yields);
        return services;
    }

    /// <summary>How a client's calls meet the portal's budget.</summary>
    private enum Budget
    {
        Exempt,
        Counts,
        Yields,
    }

    /// <summary>A singleton client that asks the factory for its named HttpClient per call, so that handlers rotate.</summary>
    private static void AddClient<TClient, TImplementation>(IServiceCollection services, string httpClientName, Budget budget)
        where TClient : class
        where TImplementation : class, TClient
    {
        services.AddSingleton<TClient, TImplementation>();
        Configure(services.AddHttpClient(httpClientName), budget);
    }

    private static void Configure(IHttpClientBuilder client, Budget budget)
    {
        client.ConfigureHttpClient((provider, http) =>
        {
            http.BaseAddress = provider.GetRequiredService<IOptions<HubSpotOptions>>().Value.BaseAddress;
            http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns time
        });
        client.AddResilienceHandler("hubspot", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<HubSpotOptions>>().Value;
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                // Polly needs at least one; with MaxRetries 0, ShouldHandle declines every retry instead.
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                ShouldHandle = async args => options.MaxRetries > 0 && args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutException } => true,
                    { Result: { } response } => await HubSpotResponses.IsWorthRetryingAsync(response, args.Context.CancellationToken).ConfigureAwait(false),
                    _ => false,
                },
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? HubSpotResponses.RequestedDelay(response) : null),
            });
        });

        // Added after the resilience handler, so they run inside it, once per attempt, in this order. Transactional
        // single-send is exempt from the portal's general budget (HubSpot counts it apart), so it takes no permit;
        // reading a send's status is not.
        client.AddHttpMessageHandler<HubSpotAuthHandler>();
        if (budget != Budget.Exempt)
        {
            client.AddHttpMessageHandler(provider => new HubSpotRateLimitHandler(provider.GetRequiredService<HubSpotRateLimiter>(), yields: budget == Budget.Yields));
        }

        client.AddHttpMessageHandler<HubSpotAttemptTimeoutHandler>();
        client.AddHttpMessageHandler<HubSpotCallMetricsHandler>();
    }
}

[OptionsValidator]
internal sealed partial class HubSpotOptionsValidator : IValidateOptions<HubSpotOptions>;

[OptionsValidator]
internal sealed partial class SharedBudgetOptionsValidator : IValidateOptions<SharedBudgetOptions>;
