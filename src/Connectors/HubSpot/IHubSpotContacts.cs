namespace Crm.Integration.Connectors.HubSpot;

/// <summary>HubSpot contacts, written in batches within the portal's rate limit.</summary>
public interface IHubSpotContacts
{
    /// <summary>
    /// Creates or updates contacts by email. Returns one outcome per input, in input order: inputs for the same email
    /// are merged by <see cref="ContactChange.Merge"/> and share an outcome; an input HubSpot rejects is isolated so that its
    /// neighbours still go through.
    /// </summary>
    Task<IReadOnlyList<ContactUpsertOutcome>> UpsertByEmailAsync(IReadOnlyList<ContactChange> inputs, CancellationToken cancellationToken);

    /// <summary>Looks a contact up by its HubSpot id or by email: one call, counted against the portal's budget.</summary>
    Task<ContactLookup> FindAsync(ContactKey key, CancellationToken cancellationToken);
}
