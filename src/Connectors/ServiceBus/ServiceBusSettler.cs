using Azure.Messaging.ServiceBus;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Tells Service Bus the handler's verdict and waits for its answer. A verdict that comes after the lock was lost
/// changes nothing on the broker (the message comes again): it is counted and logged, never retried.
/// </summary>
internal sealed class ServiceBusSettler(string entity, ServiceBusSettlementMetrics metrics, HubMetrics hubMetrics, ILogger logger)
{
    public async Task SettleAsync(ProcessMessageEventArgs args, Settlement settlement)
    {
        var message = args.Message;
        try
        {
            // Not the processor's token: a settlement must go out even while the processor stops.
            switch (settlement.Kind)
            {
                case SettlementKind.Complete:
                    await args.CompleteMessageAsync(message, CancellationToken.None).ConfigureAwait(false);
                    break;
                case SettlementKind.Abandon:
                    await args.AbandonMessageAsync(message, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                    Log.Abandoned(logger, entity, message.MessageId, settlement.Reason);
                    break;
                case SettlementKind.DeadLetter:
                    await args.DeadLetterMessageAsync(message, settlement.Reason, settlement.Description, CancellationToken.None)
                        .ConfigureAwait(false);
                    Log.DeadLettered(logger, entity, message.MessageId, settlement.Reason, settlement.Description);
                    hubMetrics.DeadLettered(entity, settlement.Reason);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(settlement), settlement.Kind, "Unknown settlement.");
            }
        }
        catch (ServiceBusException ex) when (ex.Reason == ServiceBusFailureReason.MessageLockLost)
        {
            metrics.LockLost(entity);
            Log.LockLost(logger, entity, message.MessageId, settlement.Kind);
        }
        catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
        {
            Log.SettlementLost(logger, entity, message.MessageId, settlement.Kind, ex.Message);
        }
    }
}
