namespace Crm.Integration.Connectors.HubSpot;

/// <summary>HubSpot custom event occurrences (Enterprise portals), counted against the portal's budget.</summary>
public interface IHubSpotCustomEvents
{
    /// <summary><c>POST /events/v3/send</c> for a contact identified by its record id.</summary>
    Task<CustomEventOutcome> SendAsync(CustomEventOccurrence occurrence, CancellationToken cancellationToken);
}

/// <param name="EventName">The event's fully qualified name (<c>pe{HubID}_{name}</c>).</param>
/// <param name="Uuid">The occurrence's identifier, derived from the source event so that a repeat names the same occurrence.</param>
public sealed record CustomEventOccurrence(
    string EventName,
    string ContactId,
    DateTimeOffset OccurredAt,
    Guid Uuid,
    IReadOnlyDictionary<string, string> Properties);

public enum CustomEventOutcomeKind
{
    Recorded,

    /// <summary>HubSpot knows no such contact (yet).</summary>
    ContactNotFound,

    Transient,

    Permanent,
}

public sealed record CustomEventOutcome(CustomEventOutcomeKind Kind, HubSpotError? Error = null);
