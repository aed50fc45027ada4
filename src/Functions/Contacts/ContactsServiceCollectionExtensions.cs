using Crm.Integration.Connectors;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Contacts;

internal static class ContactsServiceCollectionExtensions
{
    public static IServiceCollection AddContacts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ContactBatchingOptions, ContactBatchingOptionsValidator>(configuration.GetSection(ContactBatchingOptions.SectionName));
        services.AddSingleton<ContactBatcher>();
        services.AddSingleton<ContactProperties>();
        return services;
    }
}

[OptionsValidator]
internal sealed partial class ContactBatchingOptionsValidator : IValidateOptions<ContactBatchingOptions>;
