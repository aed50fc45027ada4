using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The table service client — by <c>Storage:TableEndpoint</c> with the hub's <see cref="TokenCredential"/>
    /// (AddAzureCredential), or by an Azurite connection string —, the notifications ledger and the "storage" readiness
    /// check. The client's <see cref="TableClientOptions"/> are ordinary options, configurable after this call.
    /// </summary>
    public static IServiceCollection AddTableStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration.GetSection(StorageOptions.SectionName));
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageEndpoint>();
        services.TryAddSingleton(TimeProvider.System);

        // The SDK retries on its own (Azure SDK guidance: tune ClientOptions, do not wrap in Polly again); kept short
        // so that a storage outage turns into an abandoned message, not a handler stuck for minutes.
        services.TryAddSingleton<IOptionsFactory<TableClientOptions>, TableClientOptionsFactory>();
        services.AddOptions<TableClientOptions>().Configure<IOptions<StorageOptions>>((client, storage) =>
        {
            client.Retry.MaxRetries = 2;
            client.Retry.Mode = RetryMode.Exponential;
            client.Retry.Delay = TimeSpan.FromMilliseconds(200);
            client.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            client.Retry.NetworkTimeout = storage.Value.NetworkTimeout;
        });
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clientOptions = provider.GetRequiredService<IOptions<TableClientOptions>>().Value;
            return options.TableEndpoint is { } endpoint
                ? new TableServiceClient(endpoint, provider.GetRequiredService<TokenCredential>(), clientOptions)
                : new TableServiceClient(options.ConnectionString, clientOptions);
        });
        services.AddSingleton<PersonFingerprints>();
        services.AddSingleton<INotificationLedger, TableNotificationLedger>();
        services.AddSingleton<ILookups, TableLookups>();
        services.AddSingleton<TableContactDates>();
        services.AddSingleton<IContactDates>(provider => provider.GetRequiredService<TableContactDates>());
        services.AddSingleton<ILedgerReader, TableLedgerReader>();
        services.AddSingleton<IRetentionStore, TableRetentionStore>();
        services.AddSingleton<IPersonRecords, TablePersonRecords>();
        services.AddSingleton<IJobLeases, TableJobLeases>();
        services.AddSingleton<IOperationsAudit, TableOperationsAudit>();
        services.AddSingleton<IHubSpotUsage, TableHubSpotUsage>();
        services.AddSingleton<IDailySummaries, TableDailySummaries>();
        services.AddSingleton<IReplicaRegister, TableReplicaRegister>();
        services.AddSingleton<TableEmailTemplates>();
        services.AddSingleton<IEmailTemplates>(provider => provider.GetRequiredService<TableEmailTemplates>());
        services.AddSingleton<IEmailTemplateAdmin>(provider => provider.GetRequiredService<TableEmailTemplates>());
        services.AddHealthChecks().AddCheck<TableStorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }
}

[OptionsValidator]
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;

/// <summary>The options pattern for <see cref="TableClientOptions"/>, which has no parameterless constructor.</summary>
internal sealed class TableClientOptionsFactory(
    IEnumerable<IConfigureOptions<TableClientOptions>> setups,
    IEnumerable<IPostConfigureOptions<TableClientOptions>> postConfigures,
    IEnumerable<IValidateOptions<TableClientOptions>> validations)
    : OptionsFactory<TableClientOptions>(setups, postConfigures, validations)
{
    protected override TableClientOptions CreateInstance(string name) => new();
}
