namespace Crm.Integration.Functions.Summaries;

/// <summary>
/// How a UTC day went, as <c>GET /api/admin/summaries/{date}</c> answers it (camelCase; the names are read by the admin
/// page). <paramref name="Complete"/> is false for a day not over when it was computed.
/// </summary>
internal sealed record DailySummary(
    string Date,
    DateTime ComputedAt,
    bool Complete,
    IReadOnlyList<EventCount> Events,
    IReadOnlyList<EmailCount> Emails,
    IReadOnlyList<RejectionCount> TopRejections,
    TimeToHubSpot TimeToHubSpot,
    HubSpotDay HubSpot);

/// <summary>Ledger rows of one type in one status (<c>Received</c>, <c>Delivered</c>, <c>Rejected</c>, <c>Failed</c>).</summary>
internal sealed record EventCount(string Type, string Status, long Count);

/// <summary>Email rows by HubSpot's <c>sendResult</c>; <c>none</c> for rows without one yet.</summary>
internal sealed record EmailCount(string SendResult, long Count);

/// <summary>A rejection reason code, how often, and one row it was given to (source id and channel).</summary>
internal sealed record RejectionCount(string Reason, long Count, string ExampleId, string ExampleChannel);

/// <summary>Delivered rows' time from receipt to their outcome (HubSpot's answer); the percentiles are null without rows.</summary>
internal sealed record TimeToHubSpot(long Count, long? P50Ms, long? P95Ms);

/// <summary>HubSpot calls and 429s of the day across replicas, and the share of the portal's daily limit they used.</summary>
internal sealed record HubSpotDay(long Calls, long Throttled, long DailyLimit, double BudgetUsed);
