using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Deliveries;

/// <summary>
/// An event's ledger row as an operator reads it. No personal data: the recipient is the send log's fingerprint, the
/// person columns are not shown at all, and reasons never carry addresses (<see cref="LedgerOutcomes"/>).
/// </summary>
/// <param name="Reason">The reason code of the last failure or rejection (from <paramref name="LastError"/>).</param>
/// <param name="HubSpotId">The contact id, or the email's send status id.</param>
/// <param name="SendResult">For emails, HubSpot's <c>sendResult</c>.</param>
internal sealed record EventDocument(
    string Source,
    string Channel,
    string Id,
    string Type,
    string Status,
    int Attempts,
    int DuplicatesSeen,
    string? Reason,
    string? LastError,
    string? HubSpotId,
    string? Template,
    string? Recipient,
    string? SendResult,
    EventTimings Timings)
{
    public static EventDocument Of(NotificationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var failed = record.Status is NotificationStatus.Rejected or NotificationStatus.Failed;
        return new EventDocument(
            EventSources.SourceOf(record.Channel),
            record.Channel,
            record.SourceId,
            record.Type,
            record.Status.ToString(),
            record.Attempts,
            record.DuplicatesSeen,
            failed ? LedgerReasons.CodeOf(record.LastError) : null,
            record.LastError,
            record.HubSpotId,
            record.Template,
            record.Recipient,
            record.Result,
            EventTimings.Of(record));
    }
}

/// <param name="ToHubSpotMs">From arrival to the confirmed effect, for a delivered event.</param>
internal sealed record EventTimings(DateTimeOffset Received, DateTimeOffset Updated, long? ToHubSpotMs)
{
    public static EventTimings Of(NotificationRecord record) => new(
        record.ReceivedAt,
        record.UpdatedAt,
        record.Status == NotificationStatus.Delivered ? (long)(record.UpdatedAt - record.ReceivedAt).TotalMilliseconds : null);
}

/// <summary>A page of events, and the cursor (<c>after</c>) of the next one.</summary>
internal sealed record EventListDocument(DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<EventDocument> Items, string? Next);
