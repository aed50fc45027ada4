using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Functions.Auth0LogStream;

namespace Crm.Integration.Functions;

/// <summary>Log events of the application (ids 2000–2999). Identifiers and counts only: never emails, names or tokens.</summary>
internal static partial class Log
{
    [LoggerMessage(2000, LogLevel.Warning, "Auth0 log-stream request refused: authorization {Authentication}")]
    public static partial void LogStreamUnauthenticated(ILogger logger, LogStreamAuthentication authentication);

    [LoggerMessage(2001, LogLevel.Warning, "Auth0 log-stream body of {ContentLength} bytes refused: limit {MaxBytes}")]
    public static partial void LogStreamTooLarge(ILogger logger, long? contentLength, long maxBytes);

    [LoggerMessage(2002, LogLevel.Warning, "Auth0 log-stream body is not JSON (line {Line}, byte {Byte})")]
    public static partial void LogStreamMalformed(ILogger logger, long line, long @byte);

    [LoggerMessage(2003, LogLevel.Information, "Auth0 log-stream delivery of {Received}: {Forwarded} forwarded, {Ignored} ignored, {Rejected} rejected")]
    public static partial void LogStreamAccepted(ILogger logger, int received, int forwarded, int ignored, int rejected);

    [LoggerMessage(2004, LogLevel.Error, "Auth0 log-stream delivery of {Count} entries not stored; answered 503: {Reason}")]
    public static partial void LogStreamUnavailable(ILogger logger, int count, Untrusted reason);

    [LoggerMessage(2005, LogLevel.Error, "Auth0 log-stream entry {SourceId} rejected, and storage refused its ledger row: {Reason}")]
    public static partial void LogStreamRejectNotRecorded(ILogger logger, Untrusted sourceId, Untrusted reason);

    [LoggerMessage(2006, LogLevel.Warning, "Auth0 log-stream body not read: {Status} {Reason}")]
    public static partial void LogStreamBodyUnread(ILogger logger, int status, Untrusted reason);

    [LoggerMessage(2100, LogLevel.Debug, "Auth0 event {LogId} ({LogType}) handled: {Status} {Reason}")]
    public static partial void Auth0EventHandled(ILogger logger, Untrusted logId, Untrusted logType, Crm.Integration.Connectors.Storage.NotificationStatus status, Untrusted reason);

    [LoggerMessage(2101, LogLevel.Information, "Auth0 event {LogId} ({LogType}) seen before; duplicate {DuplicatesSeen}")]
    public static partial void Auth0EventDuplicate(ILogger logger, Untrusted logId, Untrusted logType, int duplicatesSeen);

    [LoggerMessage(2200, LogLevel.Warning, "Lookups partition {Partition} cannot be read; keeping the settings in use: {Reason}")]
    public static partial void LookupsUnreadable(ILogger logger, Untrusted partition, Untrusted reason);

    [LoggerMessage(2102, LogLevel.Warning, "Auth0 event message {MessageId} is not readable JSON (line {Line}, byte {Byte})")]
    public static partial void Auth0EventMalformed(ILogger logger, Untrusted messageId, long? line, long? @byte);

    [LoggerMessage(2300, LogLevel.Warning, "Platform event message {MessageId} cannot be read: {Reason}")]
    public static partial void PlatformEventUnreadable(ILogger logger, Untrusted messageId, Untrusted reason);

    [LoggerMessage(2301, LogLevel.Debug, "Platform event {EventId} ({EventType}) handled: {Status} {Reason}")]
    public static partial void PlatformEventHandled(ILogger logger, Untrusted eventId, Untrusted eventType, Crm.Integration.Connectors.Storage.NotificationStatus status, Untrusted reason);

    [LoggerMessage(2302, LogLevel.Information, "Platform event {EventId} ({EventType}) seen before; duplicate {DuplicatesSeen}")]
    public static partial void PlatformEventDuplicate(ILogger logger, Untrusted eventId, Untrusted eventType, int duplicatesSeen);

    [LoggerMessage(2310, LogLevel.Warning, "Send status {StatusId} of email event {EventId} not followed ({Watching} followed already); the ledger keeps HubSpot's first answer")]
    public static partial void SendStatusNotWatched(ILogger logger, Untrusted eventId, Untrusted statusId, int watching);

    [LoggerMessage(2311, LogLevel.Debug, "Email event {EventId}: send {StatusId} ended with {SendResult}")]
    public static partial void SendStatusFinal(ILogger logger, Untrusted eventId, Untrusted statusId, Untrusted sendResult);

    [LoggerMessage(2312, LogLevel.Warning, "Email event {EventId}: send {StatusId} not followed further: {Reason}")]
    public static partial void SendStatusGaveUp(ILogger logger, Untrusted eventId, Untrusted statusId, Untrusted reason);

    [LoggerMessage(2313, LogLevel.Error, "Email event {EventId}: the final result of send {StatusId} could not be written to the ledger: {Reason}")]
    public static partial void SendStatusNotRecorded(ILogger logger, Untrusted eventId, Untrusted statusId, Untrusted reason);

    [LoggerMessage(2400, LogLevel.Critical, "Queue triggers stopped: HubSpot issues no tokens ({Problem}). Events wait on the queues.")]
    public static partial void HubSpotLaneStopped(ILogger logger, Untrusted problem);

    [LoggerMessage(2401, LogLevel.Warning, "HubSpot issues tokens again: queue triggers resume")]
    public static partial void HubSpotLaneResumed(ILogger logger);

    [LoggerMessage(2500, LogLevel.Information, "Email template {Template} {Action} by {Admin}")]
    public static partial void TemplateChanged(ILogger logger, Untrusted template, Untrusted action, Untrusted admin);

    [LoggerMessage(2501, LogLevel.Warning, "Email template {Template}: HubSpot email {EmailId} could not be checked: {Reason}")]
    public static partial void TemplateEmailIdUnchecked(ILogger logger, Untrusted template, long emailId, Untrusted reason);

    [LoggerMessage(2502, LogLevel.Information, "Admin API off: no AdminApi:Authority set")]
    public static partial void AdminApiOff(ILogger logger);

    [LoggerMessage(2503, LogLevel.Information, "Function {Function} is switched off (AzureWebJobs:{Function}:Disabled)")]
    public static partial void FunctionDisabled(ILogger logger, Untrusted function);

    [LoggerMessage(2600, LogLevel.Information, "NotificationsCleanup next runs at {Occurrence:O}")]
    public static partial void CleanupScheduled(ILogger logger, DateTimeOffset occurrence);

    [LoggerMessage(2601, LogLevel.Information, "NotificationsCleanup not run here (occurrence {Occurrence:O}): another replica holds the lease or ran it")]
    public static partial void CleanupSkipped(ILogger logger, DateTimeOffset? occurrence);

    [LoggerMessage(2602, LogLevel.Information, "NotificationsCleanup done (dry run {DryRun}): {Expired} rows expired, {Deleted} deleted, {RowsPerSecond} rows/s")]
    public static partial void CleanupDone(ILogger logger, bool dryRun, long expired, long deleted, double rowsPerSecond);

    [LoggerMessage(2603, LogLevel.Warning, "NotificationsCleanup lost its lease to another replica; this run stops")]
    public static partial void CleanupLeaseLost(ILogger logger);

    [LoggerMessage(2604, LogLevel.Error, "NotificationsCleanup failed; the next occurrence runs as usual")]
    public static partial void CleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(2610, LogLevel.Warning, "Person erased by {Admin}: {LedgerRows} ledger rows, {ContactDates} contact dates, {CachedProfiles} cached profiles, HubSpot {HubSpot} (person {Fingerprint})")]
    public static partial void PersonErased(ILogger logger, Untrusted admin, int ledgerRows, int contactDates, int cachedProfiles, string hubSpot, string? fingerprint);

    [LoggerMessage(2611, LogLevel.Warning, "No secret PersonFingerprintKey: ledger rows carry no person fingerprint, and an erasure cannot find them")]
    public static partial void NoPersonFingerprintKey(ILogger logger);

    [LoggerMessage(2620, LogLevel.Information, "DailySummary next runs at {Occurrence:O}")]
    public static partial void SummaryScheduled(ILogger logger, DateTimeOffset occurrence);

    [LoggerMessage(2621, LogLevel.Information, "DailySummary not run here (occurrence {Occurrence:O}): another replica holds the lease or ran it")]
    public static partial void SummarySkipped(ILogger logger, DateTimeOffset occurrence);

    [LoggerMessage(2622, LogLevel.Error, "DailySummary of occurrence {Occurrence:O} failed; compute the day on demand, or the next occurrence runs as usual")]
    public static partial void SummaryFailed(ILogger logger, DateTimeOffset occurrence, Exception exception);

    /// <summary>The day in one line of counts, for log search and alerts; no ids, no reasons' text, no personal data.</summary>
    [LoggerMessage(2623, LogLevel.Information,
        "Daily summary {Date} (complete {Complete}): {Events} events, {Delivered} delivered, {Rejected} rejected, {Failed} failed, {InFlight} in flight; "
        + "{Emails} emails; {TopRejected} rejections in the top reasons; time to HubSpot over {Timed} rows p50 {P50Ms} ms, p95 {P95Ms} ms; "
        + "HubSpot {Calls} calls, {Throttled} throttled, {BudgetUsed} of the daily limit")]
    public static partial void DailySummary(
        ILogger logger, string date, bool complete, long events, long delivered, long rejected, long failed, long inFlight,
        long emails, long topRejected, long timed, long? p50Ms, long? p95Ms, long calls, long throttled, double budgetUsed);

    [LoggerMessage(2630, LogLevel.Warning, "Dead letters replayed by admin {AdminSubject} (dry run {DryRun}): {Matched} matched, {Replayed} replayed; stopped early: {Failure}")]
    public static partial void DeadLettersReplayed(ILogger logger, Untrusted adminSubject, bool dryRun, int matched, int replayed, Untrusted failure);
}
