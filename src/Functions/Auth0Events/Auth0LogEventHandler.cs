using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>
/// Handles one Auth0 log event from the queue: records it in the notifications ledger, once per <c>log_id</c>.
/// Storage failures are thrown, and the listener abandons the message for redelivery.
/// </summary>
internal sealed class Auth0LogEventHandler(INotificationLedger ledger, TimeProvider timeProvider, ILogger<Auth0LogEventHandler> logger)
{
    public async Task<HandlerOutcome> HandleAsync(Auth0LogEvent logEvent, CancellationToken cancellationToken)
    {
        var logId = logEvent.LogId ?? logEvent.Data?.LogId;
        var logType = logEvent.Data?.Type;
        if (logId is null || logType is null)
        {
            return HandlerOutcome.Permanent("MissingIdentity", "The event has no log_id or no data.type.");
        }

        var notificationType = Auth0EventTypes.NotificationTypeOf(logType);
        var receipt = new NotificationReceipt(logId, Auth0Channel.Name, notificationType ?? logType, timeProvider.GetUtcNow());
        if (notificationType is null)
        {
            var reason = $"Auth0 log type '{logType}' has no handler; forward only {string.Join(", ", Auth0EventTypes.Handled)}.";
            await ledger.RecordRejectedAsync(receipt, reason, cancellationToken).ConfigureAwait(false);
            return HandlerOutcome.Permanent("UnsupportedLogType", reason);
        }

        var admission = await ledger.AdmitAsync(receipt, cancellationToken).ConfigureAwait(false);
        if (!admission.IsFirst)
        {
            var record = await ledger.RecordDuplicateAsync(logId, Auth0Channel.Name, cancellationToken).ConfigureAwait(false);
            Log.Auth0EventDuplicate(logger, logId, logType, record.DuplicatesSeen);
            return HandlerOutcome.Duplicate;
        }

        Log.Auth0EventRecorded(logger, logId, logType);
        return HandlerOutcome.Success;
    }
}
