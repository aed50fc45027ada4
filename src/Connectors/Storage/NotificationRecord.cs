namespace Crm.Integration.Connectors.Storage;

public enum NotificationStatus
{
    /// <summary>Arrived; its effect is not confirmed yet.</summary>
    Received,

    /// <summary>Its effect is confirmed (e.g. written to HubSpot).</summary>
    Delivered,

    /// <summary>Can never succeed; the reason is in <see cref="NotificationRecord.LastError"/>.</summary>
    Rejected,

    /// <summary>The last attempt failed for a reason that may pass; it will be tried again.</summary>
    Failed,
}

/// <summary>What arrived: the ledger's key is (<paramref name="SourceId"/>, <paramref name="Channel"/>).</summary>
/// <param name="SourceId">The id the source gave the event (Auth0 <c>log_id</c>, platform event id).</param>
/// <param name="Channel">Where it came from, e.g. <c>auth0</c>; the same id from two channels is two events.</param>
/// <param name="Type">What it is, e.g. <c>user-login</c>.</param>
/// <param name="Person">Who it is about, when known on arrival; stored only as keyed fingerprints.</param>
/// <param name="Replayed">
/// Sent back from the dead-letter queue by an operator: admission re-opens a rejected row (the cause was fixed) instead
/// of counting a duplicate; a delivered row stays a duplicate, so nothing is done twice.
/// </param>
public sealed record NotificationReceipt(string SourceId, string Channel, string Type, DateTimeOffset ReceivedAt, PersonIds? Person = null, bool Replayed = false);

/// <summary>One row of the ledger.</summary>
public sealed record NotificationRecord(
    string SourceId,
    string Channel,
    string Type,
    NotificationStatus Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset UpdatedAt,
    int Attempts,
    int DuplicatesSeen,
    string? LastError,
    string? HubSpotId = null,
    string? Template = null,
    string? Recipient = null,
    string? Result = null)
{
    /// <summary>Delivered or rejected: nothing more will be done for this event.</summary>
    public bool IsSettled => Status is NotificationStatus.Delivered or NotificationStatus.Rejected;

    /// <summary>
    /// The admission rule for an event that arrives again, in one place for every ledger: an unsettled row (a failure,
    /// a crash) counts an attempt and runs again; a settled one counts a duplicate and does not — except that a replay
    /// (<see cref="NotificationReceipt.Replayed"/>) re-opens a rejection, counting an attempt, since an operator fixed
    /// its cause. A delivered row stays a duplicate, replayed or not.
    /// </summary>
    public static AdmissionOfRepeat AdmitRepeat(NotificationStatus status, bool replayed) => status switch
    {
        NotificationStatus.Delivered => AdmissionOfRepeat.Duplicate,
        NotificationStatus.Rejected => replayed ? AdmissionOfRepeat.Reopen : AdmissionOfRepeat.Duplicate,
        _ => AdmissionOfRepeat.Attempt,
    };
}

/// <summary>What the ledger does with an event that has a row already (see <see cref="NotificationRecord.AdmitRepeat"/>).</summary>
public enum AdmissionOfRepeat
{
    /// <summary>Settled: one more duplicate, nothing handled.</summary>
    Duplicate,

    /// <summary>Not settled: one more attempt, handled again.</summary>
    Attempt,

    /// <summary>A replayed rejection: back to <see cref="NotificationStatus.Received"/>, one more attempt, handled again.</summary>
    Reopen,
}

/// <summary>What became of an event. Null fields leave what the row holds as it is.</summary>
/// <param name="HubSpotId">The id of the HubSpot object it wrote (a contact id, a send status id), when it wrote one.</param>
/// <param name="Template">For emails: the template name.</param>
/// <param name="Recipient">For emails: the recipient in redacted form, never the address itself.</param>
/// <param name="Result">HubSpot's verdict, e.g. an email's <c>sendResult</c>.</param>
/// <param name="Person">Who it turned out to be about (e.g. the email found in the profile); stored only as keyed fingerprints.</param>
public sealed record NotificationOutcome(
    NotificationStatus Status,
    string? Error = null,
    string? HubSpotId = null,
    string? Template = null,
    string? Recipient = null,
    string? Result = null,
    PersonIds? Person = null);

/// <summary>The ledger's answer when an event arrives.</summary>
/// <param name="IsFirst">True when this call created the row; false when the event had been seen before.</param>
/// <param name="Record">The row as it stands after the call.</param>
public sealed record LedgerAdmission(bool IsFirst, NotificationRecord Record);
