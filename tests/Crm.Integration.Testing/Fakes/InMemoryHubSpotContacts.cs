using System.Collections.Concurrent;
using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Testing.Fakes;

/// <summary>
/// HubSpot contacts in memory: records each call, rejects or fails on request, answers ids "id-{email}". Contacts it
/// wrote, and those put in <see cref="Existing"/>, are found by lookups.
/// </summary>
public sealed class InMemoryHubSpotContacts : IHubSpotContacts
{
    public ConcurrentQueue<IReadOnlyList<ContactChange>> Calls { get; } = new();

    public HashSet<string> Reject { get; } = new(StringComparer.Ordinal);

    /// <summary>When set, every input of a call comes back transient (HubSpot down).</summary>
    public bool Unavailable { get; set; }

    public bool Throw { get; set; }

    public IEnumerable<ContactChange> Written => Calls.SelectMany(c => c);

    /// <summary>Contacts HubSpot has: email → record id.</summary>
    public ConcurrentDictionary<string, string> Existing { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<ContactKey> Lookups { get; } = new();

    public Task<ContactLookup> FindAsync(ContactKey key, CancellationToken cancellationToken)
    {
        Lookups.Enqueue(key);
        if (Unavailable)
        {
            return Task.FromResult(new ContactLookup(ContactLookupKind.Transient, Error: new HubSpotError(503, "unavailable (test)")));
        }

        var match = Existing.FirstOrDefault(c => key.IsEmail ? c.Key == key.Value.Trim().ToLowerInvariant() : c.Value == key.Value);
        return Task.FromResult(match.Key is null ? ContactLookup.NotFound : new ContactLookup(ContactLookupKind.Found, match.Value, match.Key));
    }

    public Task<IReadOnlyList<ContactUpsertOutcome>> UpsertByEmailAsync(IReadOnlyList<ContactChange> inputs, CancellationToken cancellationToken)
    {
        if (Throw)
        {
            throw new HttpRequestException("down (test)");
        }

        Calls.Enqueue(inputs);
        return Task.FromResult<IReadOnlyList<ContactUpsertOutcome>>(inputs
            .Select(i => Unavailable ? ContactUpsertOutcome.Transient(new HubSpotError(503, "unavailable (test)"))
                : Reject.Contains(i.Email) ? ContactUpsertOutcome.Permanent(new HubSpotError(400, $"Email address {i.Email} is invalid", "VALIDATION_ERROR"))
                : ContactUpsertOutcome.Succeeded(Existing.GetOrAdd(i.Email, $"id-{i.Email}")))
            .ToList());
    }
}
