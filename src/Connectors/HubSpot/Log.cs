using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Log events of the HubSpot connector (ids 1300–1399): counts, statuses and correlation ids; never emails or tokens.</summary>
internal static partial class Log
{
    [LoggerMessage(1300, LogLevel.Warning, "HubSpot upsert of {Count} contacts not answered: {Reason}")]
    public static partial void UpsertUnreachable(ILogger logger, int count, Untrusted reason);

    [LoggerMessage(1301, LogLevel.Information, "HubSpot rejected a batch of {Count} contacts with {Status}; splitting it to isolate the bad input")]
    public static partial void UpsertSplitting(ILogger logger, int count, int status);

    [LoggerMessage(1302, LogLevel.Warning, "HubSpot upsert of {Count} contacts failed with {Status} {Category} (correlationId {CorrelationId})")]
    public static partial void UpsertFailed(ILogger logger, int count, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1303, LogLevel.Warning, "HubSpot contact lookup failed with {Status} {Category} (correlationId {CorrelationId})")]
    public static partial void LookupFailed(ILogger logger, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1310, LogLevel.Warning, "HubSpot single-send failed with {Status} {Category} (correlationId {CorrelationId})")]
    public static partial void SendFailed(ILogger logger, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1311, LogLevel.Warning, "HubSpot send status {StatusId} not read: {Status} {Category} (correlationId {CorrelationId})")]
    public static partial void SendStatusFailed(ILogger logger, Untrusted statusId, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1320, LogLevel.Warning, "HubSpot custom event {EventName} failed with {Status} {Category} (correlationId {CorrelationId})")]
    public static partial void CustomEventFailed(ILogger logger, Untrusted eventName, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1325, LogLevel.Warning, "HubSpot marketing email {EmailId} not looked up: {Status} {Category} (correlationId {CorrelationId})")]
    public static partial void MarketingEmailLookupFailed(ILogger logger, long emailId, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1330, LogLevel.Critical, "HubSpot refused the OAuth refresh token ({Status} {Category}, correlationId {CorrelationId}): the app must be re-authorised; HubSpot calls stop until then")]
    public static partial void ReauthorizationRequired(ILogger logger, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1331, LogLevel.Warning, "HubSpot issued an access token again: HubSpot calls resume")]
    public static partial void Reauthorized(ILogger logger);

    [LoggerMessage(1340, LogLevel.Information, "HubSpot budget: this replica's share is {Share} calls per 10 s of the portal's {Limit}, among {Replicas} live replicas")]
    public static partial void ShareChanged(ILogger logger, int share, int limit, int replicas);

    [LoggerMessage(1341, LogLevel.Warning, "HubSpot budget heartbeat failed; the share stays until the others would count this replica gone: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, Untrusted reason);

    [LoggerMessage(1342, LogLevel.Warning, "Another replica saw HubSpot's DAILY limit: HubSpot calls stop here too until the UTC day turns")]
    public static partial void SharedDailyLimit(ILogger logger);

    [LoggerMessage(1343, LogLevel.Warning, "HubSpot GDPR delete failed with {Status} ({Category}, correlation id {CorrelationId})")]
    public static partial void GdprDeleteFailed(ILogger logger, int status, Untrusted category, Untrusted correlationId);

    [LoggerMessage(1350, LogLevel.Warning, "HubSpot usage of {Minutes} minutes not written; kept in memory for the next round: {Reason}")]
    public static partial void UsageNotWritten(ILogger logger, int minutes, Untrusted reason);

    [LoggerMessage(1351, LogLevel.Information, "HubSpot usage written again ({Minutes} minutes kept through the outage)")]
    public static partial void UsageWrittenAgain(ILogger logger, int minutes);

    [LoggerMessage(1352, LogLevel.Error, "HubSpot usage of the {Minutes} oldest minutes dropped: storage was not reachable for longer than this replica keeps counts")]
    public static partial void UsageMinutesDropped(ILogger logger, int minutes);
}
