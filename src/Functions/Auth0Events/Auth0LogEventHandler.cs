using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>
/// Handles one Auth0 log event from the queue: checks that it names itself (a usable <c>log_id</c>, a type with a
/// handler), then has the executor run what <see cref="Auth0LogEventDecider"/> decides, once per <c>log_id</c>.
/// </summary>
internal sealed class Auth0LogEventHandler(PlanExecutor executor, IEventFacts facts, TimeProvider timeProvider)
{
    /// <param name="replayed">The message was sent back from the dead-letter queue: a rejection of it runs again.</param>
    public Task<HandlerOutcome> HandleAsync(Auth0LogEvent logEvent, bool replayed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        var logId = logEvent.LogId ?? logEvent.Data?.LogId;
        var data = logEvent.Data;
        if (logId is null || data?.Type is not { } logType)
        {
            return Task.FromResult(Reasons.MissingIdentity.Because("The event has no log_id or no data.type."));
        }

        var notificationType = Auth0EventTypes.NotificationTypeOf(logType);
        var receipt = new NotificationReceipt(logId, Auth0Channel.Name, notificationType ?? logType, timeProvider.GetUtcNow(), PersonIds.Of(null, data.UserId), replayed);
        if (SourceIds.Problem("log_id", logId) is { } problem)
        {
            // Recorded under the id as it came (the ledger keys it by a hash), so that its rejection can be looked up.
            return executor.RejectAsync(receipt, Reasons.InvalidLogId.Because(problem), cancellationToken);
        }

        if (notificationType is null)
        {
            return executor.RejectAsync(receipt, Reasons.UnsupportedLogType.Because(
                $"Auth0 log type '{Quote.Short(logType)}' has no handler; forward only {string.Join(", ", Auth0EventTypes.Handled)}."), cancellationToken);
        }

        return executor.RunAsync(receipt, _ => Auth0LogEventDecider.DecideAsync(data, facts, cancellationToken), cancellationToken);
    }
}
