using Crm.Integration.Connectors;
using Crm.Integration.Functions.Common;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Contacts;

internal static class ContactsServiceCollectionExtensions
{
    public static IServiceCollection AddContacts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LookupsOptions, LookupsOptionsValidator>(configuration.GetSection(LookupsOptions.SectionName));
        LookupSettings<ContactPropertyNames>.Register(services, ContactPropertyNames.LookupPartition, ContactPropertyNames.From, ContactPropertyNames.Defaults);
        return services;
    }
}

[OptionsValidator]
internal sealed partial class LookupsOptionsValidator : IValidateOptions<LookupsOptions>;
