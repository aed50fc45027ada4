using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.TaskSignups;

namespace Crm.Integration.Functions.Execution;

/// <summary>
/// What a handler may look up to decide: the one door to facts outside the event. Reads only — a decision writes
/// nothing. Auth0 down throws <see cref="Auth0UnavailableException"/>, which the executor turns into "retry later"
/// (one place, not one catch per handler); storage down throws as usual.
/// </summary>
public interface IEventFacts
{
    /// <summary>False when no Auth0 tenant is configured: users cannot be looked up.</summary>
    bool CanReadUsers { get; }

    /// <summary>The Auth0 user (kept a while), or null when Auth0 does not know the id.</summary>
    Task<Auth0User?> UserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>The HubSpot contact property each fact is written to (Lookups, kept a while).</summary>
    ValueTask<ContactPropertyNames> ContactPropertiesAsync(CancellationToken cancellationToken);

    /// <summary>How task signups are recorded (Lookups, kept a while).</summary>
    ValueTask<TaskSignupSettings> TaskSignupSettingsAsync(CancellationToken cancellationToken);

    /// <summary>The HubSpot contact by id or email (never cached: it may appear any moment).</summary>
    Task<ContactLookup> ContactAsync(ContactKey key, CancellationToken cancellationToken);

    /// <summary>The email template (kept a while), or null. Throws <see cref="EmailTemplateInvalidException"/>.</summary>
    Task<EmailTemplate?> TemplateAsync(string name, CancellationToken cancellationToken);
}
