using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Contacts;

internal static class ContactsServiceCollectionExtensions
{
    public static IServiceCollection AddContacts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ContactBatchingOptions>()
            .Bind(configuration.GetSection(ContactBatchingOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ContactBatchingOptions>, ContactBatchingOptionsValidator>();
        services.AddSingleton<ContactBatcher>();
        services.AddSingleton<ContactProperties>();
        return services;
    }
}

[OptionsValidator]
internal sealed partial class ContactBatchingOptionsValidator : IValidateOptions<ContactBatchingOptions>;
