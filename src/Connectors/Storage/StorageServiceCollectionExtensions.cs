using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The table service client, the notifications ledger and the "storage" readiness check.</summary>
    public static IServiceCollection AddTableStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration.GetSection(StorageOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            // The SDK retries on its own (Azure SDK guidance: tune ClientOptions, do not wrap in Polly again); kept short
            // so that a storage outage turns into an abandoned message, not a handler stuck for minutes.
            var clientOptions = new TableClientOptions();
            clientOptions.Retry.MaxRetries = 2;
            clientOptions.Retry.Mode = RetryMode.Exponential;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
            clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
            return new TableServiceClient(options.ConnectionString, clientOptions);
        });
        services.AddSingleton<INotificationLedger, TableNotificationLedger>();
        services.AddSingleton<ILookups, TableLookups>();
        services.AddSingleton<IContactDates, TableContactDates>();
        services.AddSingleton<TableEmailTemplates>();
        services.AddSingleton<IEmailTemplates>(provider => provider.GetRequiredService<TableEmailTemplates>());
        services.AddSingleton<IEmailTemplateAdmin>(provider => provider.GetRequiredService<TableEmailTemplates>());
        services.AddHealthChecks().AddCheck<TableStorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }
}

[OptionsValidator]
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;
