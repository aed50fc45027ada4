using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Log events of the Service Bus connector (ids 1100–1199). Message ids and entity names only, never bodies.</summary>
internal static partial class Log
{
    [LoggerMessage(1100, LogLevel.Information, "Connected to the broker at {Host}:{Port}")]
    public static partial void Connected(ILogger logger, Untrusted host, int port);

    [LoggerMessage(1101, LogLevel.Warning, "Connection to the broker at {Host}:{Port} closed: {Condition} {Description}")]
    public static partial void ConnectionClosed(ILogger logger, Untrusted host, int port, Untrusted condition, Untrusted description);

    [LoggerMessage(1103, LogLevel.Information, "Connection ({Role}) to the broker at {Host}:{Port} closed: the host is stopping")]
    public static partial void ConnectionClosedOnStop(ILogger logger, Untrusted host, int port, Untrusted role);

    [LoggerMessage(1102, LogLevel.Warning, "Cannot connect to the broker at {Host}:{Port}: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, Untrusted host, int port, Untrusted reason);

    [LoggerMessage(1110, LogLevel.Warning, "Broker did not accept {Failed} of {Count} messages for {Entity}: {Reason}")]
    public static partial void SendFailed(ILogger logger, Untrusted entity, int failed, int count, Untrusted reason);

    [LoggerMessage(1120, LogLevel.Information, "Receiving from {Entity} with link credit {Credit} and {MaxConcurrentCalls} concurrent handlers")]
    public static partial void ReceiverAttached(ILogger logger, Untrusted entity, int credit, int maxConcurrentCalls);

    [LoggerMessage(1121, LogLevel.Warning, "Receiver link for {Entity} lost: {Condition} {Description}")]
    public static partial void ReceiverLost(ILogger logger, Untrusted entity, Untrusted condition, Untrusted description);

    [LoggerMessage(1122, LogLevel.Warning, "Receiver for {Entity} failed: {Reason}")]
    public static partial void ReceiverFailed(ILogger logger, Untrusted entity, Untrusted reason);

    [LoggerMessage(1123, LogLevel.Information, "Reconnecting receiver for {Entity} in {DelayMs:F0} ms (failure {Failures})")]
    public static partial void Reconnecting(ILogger logger, Untrusted entity, double delayMs, int failures);

    [LoggerMessage(1124, LogLevel.Warning, "Handlers for {Entity} still running after {Seconds} s at shutdown; their messages will be redelivered")]
    public static partial void DrainTimedOut(ILogger logger, Untrusted entity, double seconds);

    [LoggerMessage(1130, LogLevel.Error, "Handler for {Entity} threw on message {MessageId}; abandoning it")]
    public static partial void HandlerThrew(ILogger logger, Exception exception, Untrusted entity, Untrusted messageId);

    [LoggerMessage(1131, LogLevel.Information, "Abandoned message {MessageId} on {Entity}: {Reason}")]
    public static partial void Abandoned(ILogger logger, Untrusted entity, Untrusted messageId, Untrusted reason);

    [LoggerMessage(1132, LogLevel.Warning, "Dead-lettered message {MessageId} on {Entity}: {Reason}: {Description}")]
    public static partial void DeadLettered(ILogger logger, Untrusted entity, Untrusted messageId, Untrusted reason, Untrusted description);

    [LoggerMessage(1133, LogLevel.Warning, "Could not settle message {MessageId} on {Entity} as {Settlement}; the broker will redeliver it: {Reason}")]
    public static partial void SettlementLost(ILogger logger, Untrusted entity, Untrusted messageId, SettlementKind settlement, Untrusted reason);

    [LoggerMessage(1125, LogLevel.Information, "Receiver for {Entity} stopped: the host is stopping")]
    public static partial void ReceiverStopped(ILogger logger, Untrusted entity);

    [LoggerMessage(1140, LogLevel.Warning, "Receiving from {Entity} paused until the gate opens: {Reason}")]
    public static partial void ReceiverPaused(ILogger logger, Untrusted entity, Untrusted reason);

    [LoggerMessage(1134, LogLevel.Warning, "Lock of message {MessageId} on {Entity} was lost before it could be settled as {Settlement}; it will come again")]
    public static partial void LockLost(ILogger logger, Untrusted entity, Untrusted messageId, SettlementKind settlement);

    [LoggerMessage(1150, LogLevel.Information, "Replayed {Count} dead-lettered messages of {Entity}")]
    public static partial void Replayed(ILogger logger, Untrusted entity, int count);

    [LoggerMessage(1151, LogLevel.Warning, "Replay of {Entity} stopped after {Replayed} of {Matched} messages; the rest stay dead-lettered: {Reason}")]
    public static partial void ReplayStopped(ILogger logger, Untrusted entity, int replayed, int matched, Untrusted reason);
}
