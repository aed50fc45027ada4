using Azure.Messaging.ServiceBus;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Receives through Microsoft's <see cref="ServiceBusProcessor"/>: peek-lock, settlement only by the handler's verdict,
/// locks renewed while a handler runs, and the client's own recovery from lost connections and links. While the
/// <see cref="ReceiveGate"/> is closed the processor is stopped (handlers in hand finish and settle first).
/// </summary>
internal sealed class ServiceBusQueueListener(
    ServiceBusClient client,
    QueueListenerStatus status,
    ReceiveGate gate,
    ServiceBusSettlementMetrics metrics,
    HubMetrics hubMetrics,
    IOptions<ServiceBusOptions> options,
    IOptions<ServiceBusTriggerOptions> triggerOptions,
    TimeProvider timeProvider,
    ILogger<ServiceBusQueueListener> logger) : IQueueListener
{
    private static readonly TimeSpan GateCheck = TimeSpan.FromMilliseconds(100);

    private readonly ServiceBusOptions _options = options.Value;
    private readonly ServiceBusTriggerOptions _trigger = triggerOptions.Value;

    public async Task RunAsync(string entity, QueueMessageHandler handler, CancellationToken stoppingToken)
    {
        var address = ServiceBusAddress.Parse(_options.AddressOf(entity));
        var processorOptions = new ServiceBusProcessorOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            AutoCompleteMessages = false,
            MaxConcurrentCalls = _trigger.MaxConcurrentCalls,
            PrefetchCount = _trigger.PrefetchCount,
            MaxAutoLockRenewalDuration = _trigger.MaxAutoLockRenewalDuration,
        };
        var processor = address.Subscription is null
            ? client.CreateProcessor(address.Entity, processorOptions)
            : client.CreateProcessor(address.Entity, address.Subscription, processorOptions);
        var settler = new ServiceBusSettler(entity, metrics, hubMetrics, logger);
        processor.ProcessMessageAsync += args => HandleAsync(entity, args, handler, settler, stoppingToken);
        processor.ProcessErrorAsync += args => ReportErrorAsync(entity, address.ToString(), args);

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await gate.WaitOpenAsync(stoppingToken).ConfigureAwait(false);
                await processor.StartProcessingAsync(stoppingToken).ConfigureAwait(false);
                status.Attached(entity);
                Log.ReceiverAttached(logger, entity, _trigger.PrefetchCount, _trigger.MaxConcurrentCalls);

                while (gate.IsOpen)
                {
                    await Task.Delay(GateCheck, timeProvider, stoppingToken).ConfigureAwait(false);
                }

                // Stopping waits for the handlers in hand to settle; the queue keeps the rest.
                await processor.StopProcessingAsync(CancellationToken.None).ConfigureAwait(false);
                status.Failed(entity, $"receiving paused: {gate.ClosedBecause}");
                Log.ReceiverPaused(logger, entity, gate.ClosedBecause);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: the finally block lets the handlers settle.
        }
        finally
        {
            await CloseAsync(entity, processor).ConfigureAwait(false);
        }
    }

    /// <summary>Lets the handlers in hand settle, then closes the links; a namespace that does not answer the close must not fail the host's stop.</summary>
    private async Task CloseAsync(string entity, ServiceBusProcessor processor)
    {
        try
        {
            await processor.StopProcessingAsync(CancellationToken.None).ConfigureAwait(false);
            await processor.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
        {
            Log.ReceiverFailed(logger, entity, $"closing: {ex.Message}");
        }
    }

    private async Task HandleAsync(
        string entity, ProcessMessageEventArgs args, QueueMessageHandler handler, ServiceBusSettler settler, CancellationToken stoppingToken)
    {
        // A delivery proves the link is up again after an error.
        status.Attached(entity);
        var message = args.Message;
        var inbound = new InboundMessage(
            message.MessageId,
            message.Subject,
            message.ContentType,
            message.Body.ToMemory(),
            // The SDK counts this delivery too; InboundMessage counts the deliveries before it.
            Math.Max(0, message.DeliveryCount - 1),
            ReplayMarker.Read(message.ApplicationProperties.TryGetValue(ReplayMarker.PropertyName, out var replayed) ? replayed : null));

        using var activity = QueueTracing.StartProcess("servicebus", entity, message.MessageId, inbound.DeliveryCount,
            name => message.ApplicationProperties.TryGetValue(name, out var value) ? value as string : null);
        hubMetrics.WaitedOnQueue(entity, timeProvider.GetUtcNow() - message.EnqueuedTime);
        Settlement settlement;
        try
        {
            // The host's token, not the processor's: pausing the processor lets running handlers finish.
            settlement = await handler(inbound, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            settlement = Settlement.Abandon("HostStopping");
        }
        catch (Exception ex)
        {
            // An unexpected exception is not proof that the message is bad: let the delivery limit decide.
            Log.HandlerThrew(logger, ex, entity, inbound.MessageId);
            settlement = Settlement.Abandon($"HandlerFailed: {ex.GetType().Name}");
        }

        QueueTracing.Settled(activity, settlement);
        await settler.SettleAsync(args, settlement).ConfigureAwait(false);
    }

    private Task ReportErrorAsync(string entity, string address, ProcessErrorEventArgs args)
    {
        if (ServiceBusFailures.ConfigurationProblem(args.Exception, address) is { } problem)
        {
            status.Failed(entity, problem);
        }

        // The processor recovers from the rest by itself (reconnects, attaches again).
        Log.ReceiverFailed(logger, entity, $"{args.ErrorSource}: {args.Exception.Message}");
        return Task.CompletedTask;
    }
}
