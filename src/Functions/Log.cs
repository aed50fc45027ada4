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
    public static partial void LogStreamUnavailable(ILogger logger, int count, string reason);

    [LoggerMessage(2100, LogLevel.Debug, "Auth0 event {LogId} ({LogType}) handled: {Status} {Reason}")]
    public static partial void Auth0EventHandled(ILogger logger, string logId, string logType, Crm.Integration.Connectors.Storage.NotificationStatus status, string? reason);

    [LoggerMessage(2101, LogLevel.Information, "Auth0 event {LogId} ({LogType}) seen before; duplicate {DuplicatesSeen}")]
    public static partial void Auth0EventDuplicate(ILogger logger, string logId, string logType, int duplicatesSeen);

    [LoggerMessage(2200, LogLevel.Warning, "Lookups partition {Partition} cannot be read; keeping the settings in use: {Reason}")]
    public static partial void LookupsUnreadable(ILogger logger, string partition, string reason);

    [LoggerMessage(2102, LogLevel.Warning, "Auth0 event message {MessageId} is not readable JSON (line {Line}, byte {Byte})")]
    public static partial void Auth0EventMalformed(ILogger logger, string? messageId, long? line, long? @byte);
}
