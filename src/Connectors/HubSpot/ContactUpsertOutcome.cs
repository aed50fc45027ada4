namespace Crm.Integration.Connectors.HubSpot;

public enum UpsertOutcomeKind
{
    Succeeded,

    /// <summary>May pass: throttled, HubSpot unavailable, a timeout. Try again later.</summary>
    Transient,

    /// <summary>HubSpot will never take this input as it is.</summary>
    Permanent,
}

/// <summary>What HubSpot said, kept for the ledger: never the payload, and with any email address in it redacted.</summary>
public sealed record HubSpotError(int Status, string Message, string? Category = null, string? CorrelationId = null)
{
    public string Message { get; } = PersonalData.RedactEmails(Message);

    public override string ToString() =>
        $"HubSpot {Status}{(Category is null ? "" : $" {Category}")}: {Message}{(CorrelationId is null ? "" : $" (correlationId {CorrelationId})")}";
}

/// <summary>The outcome for one input.</summary>
public sealed record ContactUpsertOutcome(UpsertOutcomeKind Kind, string? ContactId = null, HubSpotError? Error = null)
{
    public static ContactUpsertOutcome Succeeded(string? contactId) => new(UpsertOutcomeKind.Succeeded, contactId);

    public static ContactUpsertOutcome Transient(HubSpotError error) => new(UpsertOutcomeKind.Transient, Error: error);

    public static ContactUpsertOutcome Permanent(HubSpotError error) => new(UpsertOutcomeKind.Permanent, Error: error);
}
