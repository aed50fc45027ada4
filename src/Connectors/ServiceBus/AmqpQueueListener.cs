using Amqp;
using Amqp.Framing;
using Amqp.Types;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Peek-lock receive with explicit link credit. At most <see cref="ServiceBusTriggerOptions.MaxConcurrentCalls"/>
/// handlers run at once; the link grants the broker that many plus the prefetch count, restored as messages are
/// settled. A lost connection or link is rebuilt with exponential backoff and jitter; messages whose settlement was
/// lost with the link are redelivered by the broker.
/// </summary>
internal sealed class AmqpQueueListener(
    [FromKeyedServices(AmqpConnection.Receiving)] AmqpConnection connection,
    QueueListenerStatus status,
    ReceiveGate gate,
    HubMetrics metrics,
    IOptions<ServiceBusOptions> options,
    IOptions<ServiceBusTriggerOptions> triggerOptions,
    TimeProvider timeProvider,
    ILogger<AmqpQueueListener> logger) : IQueueListener
{
    // Service Bus reads these from the rejected outcome's error info into the dead-letter queue's message properties.
    private static readonly Symbol DeadLetterCondition = new("com.microsoft:dead-letter");
    private static readonly Symbol DeadLetterReason = new("DeadLetterReason");
    private static readonly Symbol DeadLetterErrorDescription = new("DeadLetterErrorDescription");
    private static readonly Symbol EnqueuedTime = new("x-opt-enqueued-time");

    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    private readonly ServiceBusOptions _options = options.Value;
    private readonly ServiceBusTriggerOptions _trigger = triggerOptions.Value;

    public async Task RunAsync(string entity, QueueMessageHandler handler, CancellationToken stoppingToken)
    {
        var address = _options.AddressOf(entity);
        // Not disposed: a handler that outlives the drain timeout still releases its slot.
        var handlerSlots = new SemaphoreSlim(_trigger.MaxConcurrentCalls, _trigger.MaxConcurrentCalls);
        // On stop, every link waits for the same drain (all handlers settled) before it closes.
        var drain = new Lazy<Task>(() => DrainHandlersAsync(entity, handlerSlots));
        await Task.WhenAll(Enumerable.Range(0, _trigger.ReceiverLinks)
            .Select(_ => ReceiveOnOneLinkAsync(entity, address, handler, handlerSlots, drain, stoppingToken))).ConfigureAwait(false);
    }

    private async Task ReceiveOnOneLinkAsync(
        string entity, string address, QueueMessageHandler handler, SemaphoreSlim handlerSlots, Lazy<Task> drain, CancellationToken stoppingToken)
    {
        var failures = 0;

        while (!stoppingToken.IsCancellationRequested)
        {
            Session? session = null;
            ReceiverLink? link = null;
            try
            {
                await gate.WaitOpenAsync(stoppingToken).ConfigureAwait(false);
                var amqpConnection = await connection.GetAsync(stoppingToken).ConfigureAwait(false);
                session = new Session(amqpConnection);
                link = await AmqpLinks.AttachReceiverAsync(session, address, _options.ConnectTimeout, stoppingToken).ConfigureAwait(false);
                // Credit is restored only once the whole window is settled, so no delivery is in flight when the flow goes
                // out. RabbitMQ 3.10's AMQP 1.0 plugin grants a restored credit on top of deliveries already in flight,
                // overshooting the window; the client then detaches ("no credit to accept a new delivery") and every
                // unsettled message is redelivered, counting towards the delivery limit.
                link.SetCredit(_trigger.CreditPerLink, CreditMode.Auto, flowThreshold: _trigger.CreditPerLink);
                status.Attached(entity);
                Log.ReceiverAttached(logger, entity, _trigger.CreditPerLink, _trigger.MaxConcurrentCalls);

                if (await ReceiveUntilLostAsync(entity, link, handler, handlerSlots, stoppingToken).ConfigureAwait(false))
                {
                    failures = 0;
                }

                if (stoppingToken.IsCancellationRequested)
                {
                    // An ordinary stop ends the receive loop too: not a lost link (its error is empty; it was not lost).
                    Log.ReceiverStopped(logger, entity);
                    break;
                }

                if (!gate.IsOpen)
                {
                    // Settle what is in hand on this link before it detaches; the queue keeps the rest.
                    await WaitForHandlersAsync(handlerSlots, stoppingToken).ConfigureAwait(false);
                    status.Failed(entity, $"receiving paused: {gate.ClosedBecause}");
                    Log.ReceiverPaused(logger, entity, gate.ClosedBecause);
                    continue;
                }

                status.Failed(entity, $"link lost: {link.Error?.Condition} {link.Error?.Description}".TrimEnd());
                Log.ReceiverLost(logger, entity, link.Error?.Condition.ToString(), link.Error?.Description);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is QueueUnavailableException or AmqpException or ObjectDisposedException or TimeoutException)
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    Log.ReceiverStopped(logger, entity); // the connection went down with the host, as it should
                    break;
                }

                status.Failed(entity, ex.Message);
                Log.ReceiverFailed(logger, entity, ex.Message);
            }
            finally
            {
                if (stoppingToken.IsCancellationRequested)
                {
                    // Every handler's settlement must go out before the links close: wait for all of them.
                    await drain.Value.ConfigureAwait(false);
                }

                await AmqpLinks.CloseQuietlyAsync(link).ConfigureAwait(false);
                await AmqpLinks.CloseQuietlyAsync(session).ConfigureAwait(false);
            }

            if (!stoppingToken.IsCancellationRequested)
            {
                await DelayBeforeReconnectAsync(entity, ++failures, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Receives and dispatches until the link dies or the host stops. True when at least one message came.</summary>
    private async Task<bool> ReceiveUntilLostAsync(
        string entity, ReceiverLink link, QueueMessageHandler handler, SemaphoreSlim handlerSlots, CancellationToken stoppingToken)
    {
        var received = false;
        while (!stoppingToken.IsCancellationRequested && !IsLost(link) && gate.IsOpen)
        {
            await handlerSlots.WaitAsync(stoppingToken).ConfigureAwait(false);
            Message? message;
            try
            {
                message = await link.ReceiveAsync(ReceiveWait).ConfigureAwait(false);
            }
            catch
            {
                handlerSlots.Release();
                throw;
            }

            if (message is null)
            {
                handlerSlots.Release();
                continue;
            }

            received = true;
            _ = HandleAndSettleAsync(entity, link, message, handler, handlerSlots, stoppingToken);
        }

        return received;
    }

    private static bool IsLost(ReceiverLink link) =>
        link.IsClosed || link.Session.IsClosed || link.Session.Connection.IsClosed;

    private async Task HandleAndSettleAsync(
        string entity, ReceiverLink link, Message message, QueueMessageHandler handler, SemaphoreSlim handlerSlots, CancellationToken stoppingToken)
    {
        var deliveryCount = (int)(message.Header?.DeliveryCount ?? 0);
        using var activity = QueueTracing.StartProcess("amqp", entity, message.Properties?.MessageId?.ToString(), deliveryCount, TraceProperty(message));
        try
        {
            if (EnqueuedAt(message) is { } enqueued)
            {
                metrics.WaitedOnQueue(entity, timeProvider.GetUtcNow() - enqueued);
            }

            var settlement = await HandleAsync(entity, message, handler, stoppingToken).ConfigureAwait(false);
            QueueTracing.Settled(activity, settlement);
            Settle(entity, link, message, settlement);
        }
        finally
        {
            handlerSlots.Release();
        }
    }

    private static Func<string, string?> TraceProperty(Message message) =>
        name => message.ApplicationProperties?.Map is { } map && map.TryGetValue(name, out var value) ? value as string : null;

    /// <summary>Service Bus stamps the enqueued time; RabbitMQ stamps none, so the sender's creation time stands in.</summary>
    private static DateTimeOffset? EnqueuedAt(Message message) =>
        message.MessageAnnotations?.Map is { } annotations && annotations.TryGetValue(EnqueuedTime, out var value) && value is DateTime stamped
            ? new DateTimeOffset(stamped.ToUniversalTime())
        : message.Properties?.CreationTime is { Ticks: > 0 } created ? new DateTimeOffset(created.ToUniversalTime())
        : null;

    private async Task<Settlement> HandleAsync(string entity, Message message, QueueMessageHandler handler, CancellationToken stoppingToken)
    {
        var inbound = AmqpMessageReader.Read(message, out var unreadableReason);
        if (inbound is null)
        {
            return Settlement.DeadLetter("UnsupportedBody", unreadableReason!);
        }

        try
        {
            // Yield first: the handler must not run on the AMQP connection's I/O thread.
            await Task.Yield();
            return await handler(inbound, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return Settlement.Abandon("HostStopping");
        }
        catch (Exception ex)
        {
            // An unexpected exception is not proof that the message is bad: let the delivery limit decide.
            Log.HandlerThrew(logger, ex, entity, inbound.MessageId);
            return Settlement.Abandon($"HandlerFailed: {ex.GetType().Name}");
        }
    }

    private void Settle(string entity, ReceiverLink link, Message message, Settlement settlement)
    {
        var messageId = message.Properties?.MessageId?.ToString();
        try
        {
            switch (settlement.Kind)
            {
                case SettlementKind.Complete:
                    link.Accept(message);
                    break;
                case SettlementKind.Abandon:
                    link.Release(message);
                    Log.Abandoned(logger, entity, messageId, settlement.Reason);
                    break;
                case SettlementKind.DeadLetter:
                    link.Reject(message, new Error(DeadLetterCondition)
                    {
                        Description = settlement.Description,
                        Info = new Fields
                        {
                            [DeadLetterReason] = settlement.Reason,
                            [DeadLetterErrorDescription] = settlement.Description,
                        },
                    });
                    Log.DeadLettered(logger, entity, messageId, settlement.Reason, settlement.Description);
                    metrics.DeadLettered(entity, settlement.Reason);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(settlement), settlement.Kind, "Unknown settlement.");
            }
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException)
        {
            // The lock went with the link: the broker gives the message to a receiver again, which is why handlers are idempotent.
            Log.SettlementLost(logger, entity, messageId, settlement.Kind, ex.Message);
        }
    }

    /// <summary>
    /// On stop, waits until every running handler has settled its message (by holding every slot), so that the link
    /// is closed with nothing left half done. Bounded: a handler stuck past the timeout is redelivered later.
    /// </summary>
    private async Task WaitForHandlersAsync(SemaphoreSlim handlerSlots, CancellationToken stoppingToken)
    {
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromMilliseconds(50);
        while (handlerSlots.CurrentCount < _trigger.MaxConcurrentCalls && waited < DrainTimeout && !stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(step, timeProvider, stoppingToken).ConfigureAwait(false);
            waited += step;
        }
    }

    private async Task DrainHandlersAsync(string entity, SemaphoreSlim handlerSlots)
    {
        using var timeout = new CancellationTokenSource(DrainTimeout, timeProvider);
        try
        {
            for (var slot = 0; slot < _trigger.MaxConcurrentCalls; slot++)
            {
                await handlerSlots.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            Log.DrainTimedOut(logger, entity, DrainTimeout.TotalSeconds);
        }
    }

    private async Task DelayBeforeReconnectAsync(string entity, int failures, CancellationToken stoppingToken)
    {
        var delay = ReconnectBackoff.Delay(failures, _options.MinReconnectDelay, _options.MaxReconnectDelay);
        Log.Reconnecting(logger, entity, delay.TotalMilliseconds, failures);
        try
        {
            await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the loop condition ends the run.
        }
    }
}
