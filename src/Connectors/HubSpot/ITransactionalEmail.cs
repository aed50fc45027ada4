using System.Text.Json;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>HubSpot transactional single-send: exempt from the portal's general rate budget, one email per <c>sendId</c>.</summary>
public interface ITransactionalEmail
{
    /// <summary><c>POST /marketing/v3/transactional/single-email/send</c>; retried with the same <c>sendId</c> while transient.</summary>
    Task<SendOutcome> SendAsync(SingleSendEmail email, CancellationToken cancellationToken);

    /// <summary><c>GET /marketing/v3/email/send-statuses/{statusId}</c>.</summary>
    Task<SendOutcome> GetStatusAsync(string statusId, CancellationToken cancellationToken);
}

/// <summary>One single-send request, as HubSpot takes it.</summary>
/// <param name="SendId">HubSpot sends at most one email per send id and account: derive it from the event, never at random.</param>
public sealed record SingleSendEmail(
    long EmailId,
    string To,
    string SendId,
    string? From,
    IReadOnlyList<string> ReplyTo,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    IReadOnlyDictionary<string, JsonElement> ContactProperties,
    IReadOnlyDictionary<string, JsonElement> CustomProperties);

/// <summary>A send's state: <c>PENDING</c>, <c>PROCESSING</c>, <c>CANCELED</c> or <c>COMPLETE</c>, and its result once known.</summary>
public sealed record SendStatus(string StatusId, string Status, string? SendResult, DateTimeOffset? CompletedAt)
{
    /// <summary>Nothing will change any more: complete or canceled.</summary>
    public bool IsFinal => Status is "COMPLETE" or "CANCELED";
}

public enum SendOutcomeKind
{
    /// <summary>HubSpot answered with a status (which may already carry a final result).</summary>
    Answered,

    /// <summary>Not answered now (429, 5xx, timeout, network); the same request may be tried again.</summary>
    Transient,

    /// <summary>HubSpot refused the request itself (400 and other 4xx); it will refuse it again.</summary>
    Permanent,
}

public sealed record SendOutcome(SendOutcomeKind Kind, SendStatus? Status = null, HubSpotError? Error = null);
