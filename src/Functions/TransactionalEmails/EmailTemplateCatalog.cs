using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.PlatformEvents;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>
/// Template mappings, each kept for <see cref="PlatformEventsOptions.TemplateCacheFor"/> after it was read (a missing
/// one too), so that a burst of emails reads the table once per template and an admin's edit is live within that time.
/// </summary>
internal sealed class EmailTemplateCatalog(IEmailTemplates templates, IOptions<PlatformEventsOptions> options, TimeProvider time)
{
    private readonly TimedCache<string, EmailTemplate?> _templates = new(options.Value.TemplateCacheFor, time);

    /// <summary>
    /// The template or null. Throws <see cref="StorageUnavailableException"/> and <see cref="EmailTemplateInvalidException"/>.
    /// </summary>
    public async Task<EmailTemplate?> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (_templates.TryGet(name, out var cached))
        {
            return cached;
        }

        var template = await templates.GetAsync(name, cancellationToken).ConfigureAwait(false);
        _templates.Set(name, template);
        return template;
    }

    /// <summary>An admin changed the template through this host: its next email reads the table (other hosts wait out the cache).</summary>
    public void Forget(string name) => _templates.Remove(name);
}
