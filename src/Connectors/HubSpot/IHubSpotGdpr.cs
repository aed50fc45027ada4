namespace Crm.Integration.Connectors.HubSpot;

public enum GdprDeleteOutcomeKind
{
    /// <summary>HubSpot answered 204: the contact is permanently deleted, or — when it had none — the address is blocklisted.</summary>
    Deleted,

    Transient,

    Permanent,
}

public sealed record GdprDeleteOutcome(GdprDeleteOutcomeKind Kind, HubSpotError? Error = null);

/// <summary>HubSpot's GDPR delete of a contact, counted against the portal's budget.</summary>
public interface IHubSpotGdpr
{
    /// <summary>
    /// <c>POST /crm/v3/objects/contacts/gdpr-delete</c> with <c>idProperty=email</c>: deletes the contact and its
    /// associated content permanently. For an address with no contact HubSpot blocklists it (documented behaviour).
    /// </summary>
    Task<GdprDeleteOutcome> DeleteContactAsync(string email, CancellationToken cancellationToken);
}
