using System.Security.Cryptography;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
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
        var (platformEvent, rejection) = PlatformEventReader.Read(message);
        if (platformEvent is null)
        {
            // The message id (or, without one, the body's hash) keys the row, so that support can find the message in the DLQ.
            var sourceId = message.MessageId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(message.Body.Span));
            var reason = LedgerOutcomes.Describe(rejection);
            await ledger.RecordRejectedAsync(new NotificationReceipt(sourceId, Channel, message.Subject ?? "unknown", time.GetUtcNow()), reason, cancellationToken)
                .ConfigureAwait(false);
            Log.PlatformEventUnreadable(logger, message.MessageId, rejection.Reason!);
            return FailurePolicy.ToSettlement(rejection);
        }

        var outcome = platformEvent.Type switch
        {
            PlatformEventTypes.TransactionalEmail => await emails.HandleAsync(platformEvent, cancellationToken).ConfigureAwait(false),
            PlatformEventTypes.TaskSignup => await taskSignups.HandleAsync(platformEvent, cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException($"The reader let through event type '{Quote.Short(platformEvent.Type)}', which has no handler."),
        };
        return await FailurePolicy.ToSettlementAsync(outcome, time, cancellationToken).ConfigureAwait(false);
    }
}
