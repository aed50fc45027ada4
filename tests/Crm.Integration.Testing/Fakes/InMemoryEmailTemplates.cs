using System.Collections.Concurrent;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Testing.Fakes;

public sealed class InMemoryEmailTemplates : IEmailTemplates
{
    public ConcurrentDictionary<string, EmailTemplate> Templates { get; } = new(StringComparer.Ordinal);

    /// <summary>Names whose row exists but cannot be read as a template.</summary>
    public HashSet<string> Broken { get; } = new(StringComparer.Ordinal);

    public int Reads { get; private set; }

    public Task<EmailTemplate?> GetAsync(string name, CancellationToken cancellationToken)
    {
        Reads++;
        return Broken.Contains(name)
            ? throw new EmailTemplateInvalidException($"Email template '{name}': HubSpotEmailId is missing or not a positive number.")
            : Task.FromResult(Templates.GetValueOrDefault(name));
    }
}
