using System.Security.Cryptography;
using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.PlatformEvents;

/// <summary>
/// The queue trigger of <c>platform-events</c>: message in, event out of its envelope, to the handler of its type,
/// verdict back to the broker. An event that cannot be read is recorded (channel <see cref="Channel"/>) and dead-lettered.
/// </summary>
internal sealed class PlatformEventsTrigger(
    IQueueListener listener,
    TransactionalEmailHandler emails,
    TaskSignupHandler taskSignups,
    INotificationLedger ledger,
    HubMetrics metrics,
    TimeProvider time,
    ILogger<PlatformEventsTrigger> logger) : BackgroundService
{
    public const string Channel = "platform";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        listener.RunAsync(QueueNames.PlatformEvents, HandleMessageAsync, stoppingToken);

    internal Task<Settlement> HandleMessageAsync(InboundMessage message, CancellationToken cancellationToken) =>
        FailurePolicy.SettleAsync(() => HandleAsync(message, cancellationToken), time, cancellationToken);

    private async Task<Settlement> HandleAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var (read, rejection) = PlatformEventReader.Read(message);
        var platformEvent = read is null ? null : read with { Replayed = message.ReplayedAt is not null };
        if (platformEvent is null)
        {
            // The message id (or, without one, the body's hash) keys the row, so that support can find the message in the DLQ.
            var sourceId = message.MessageId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(message.Body.Span));
            var reason = LedgerOutcomes.Describe(rejection);
            await ledger.RecordRejectedAsync(new NotificationReceipt(sourceId, Channel, message.Subject ?? "unknown", time.GetUtcNow()), reason, cancellationToken)
                .ConfigureAwait(false);
            Log.PlatformEventUnreadable(logger, message.MessageId, rejection.Reason!);
            metrics.Handled(null, Channel, message.Subject, rejection, null, time.GetUtcNow());
            return FailurePolicy.ToSettlement(rejection);
        }

        using var activity = TriggerTelemetry.StartHandling(HubTelemetry.PlatformEvents, Channel, platformEvent.Type, platformEvent.Id);
        var outcome = platformEvent.Type switch
        {
            PlatformEventTypes.TransactionalEmail => await emails.HandleAsync(platformEvent, cancellationToken).ConfigureAwait(false),
            PlatformEventTypes.TaskSignup => await taskSignups.HandleAsync(platformEvent, cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"The reader let through event type '{Quote.Short(platformEvent.Type)}', which has no handler."),
        };
        metrics.Handled(activity, Channel, platformEvent.Type, outcome, platformEvent.Time, time.GetUtcNow());
        return await FailurePolicy.ToSettlementAsync(outcome, time, cancellationToken).ConfigureAwait(false);
    }
}
