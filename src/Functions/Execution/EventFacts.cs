using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.Execution;

/// <summary>The facts from the connectors, each through the cache that suits it.</summary>
internal sealed class EventFacts(
    Recipients users,
    LookupSettings<ContactPropertyNames> contactProperties,
    LookupSettings<TaskSignupSettings> taskSignupSettings,
    IHubSpotContacts contacts,
    EmailTemplateCatalog templates) : IEventFacts
{
    public bool CanReadUsers => users.CanResolve;

    public Task<Auth0User?> UserAsync(string userId, CancellationToken cancellationToken) => users.FindAsync(userId, cancellationToken);

    public ValueTask<ContactPropertyNames> ContactPropertiesAsync(CancellationToken cancellationToken) => contactProperties.GetAsync(cancellationToken);

    public ValueTask<TaskSignupSettings> TaskSignupSettingsAsync(CancellationToken cancellationToken) => taskSignupSettings.GetAsync(cancellationToken);

    public Task<ContactLookup> ContactAsync(ContactKey key, CancellationToken cancellationToken) => contacts.FindAsync(key, cancellationToken);

    public Task<EmailTemplate?> TemplateAsync(string name, CancellationToken cancellationToken) => templates.GetAsync(name, cancellationToken);
}
