using Crm.Integration.Connectors;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Contacts;

internal static class ContactsServiceCollectionExtensions
{
    public static IServiceCollection AddContacts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ContactBatchingOptions, ContactBatchingOptionsValidator>(configuration.GetSection(ContactBatchingOptions.SectionName));
        services.AddSingleton<ContactBatcher>();
        services.AddSingleton(provider => new LookupSettings<ContactPropertyNames>(
            ContactPropertyNames.LookupPartition,
            ContactPropertyNames.From,
            ContactPropertyNames.Defaults,
            provider.GetRequiredService<ILookups>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<ContactPropertyNames>>()));
        return services;
    }
}

[OptionsValidator]
internal sealed partial class ContactBatchingOptionsValidator : IValidateOptions<ContactBatchingOptions>;
