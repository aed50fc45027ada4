using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// The <c>$deadletterqueue</c> sub-queues on Service Bus, through Microsoft's client. A peek is the broker's own
/// (<c>com.microsoft:peek-message</c>: no lock, no delivery counted). A replay chooses by peeking, then receives in
/// peek-lock mode only as far as the last chosen message: each chosen one is sent to the entity and then completed;
/// the others received on the way are held until the end and abandoned, which leaves them in the dead-letter queue
/// with their delivery count one higher (Service Bus counts every ended lock; a dead-letter queue dead-letters nothing).
/// A topic subscription's message goes back to its topic, and so to every subscription of it.
/// </summary>
internal sealed class ServiceBusDeadLetters(ServiceBusClient client, IOptions<ServiceBusOptions> options, ILogger<ServiceBusDeadLetters> logger) : IDeadLetters
{
    private const int PeekBatch = 100;
    private static readonly TimeSpan ReceiveWait = TimeSpan.FromSeconds(1);

    private readonly ServiceBusOptions _options = options.Value;

    public async Task<IReadOnlyList<DeadLetter>> PeekAsync(string entity, long? after, int max, CancellationToken cancellationToken)
    {
        var receiver = CreateReceiver(entity, ServiceBusReceiveMode.PeekLock);
        try
        {
            return await PeekFromAsync(receiver, entity, after, max, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
        {
            throw Unavailable(entity, ex);
        }
        finally
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task<DeadLetterReplay> ReplayAsync(
        string entity, DeadLetterFilter filter, bool dryRun, DateTimeOffset replayedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var receiver = CreateReceiver(entity, ServiceBusReceiveMode.PeekLock);
        var held = new List<ServiceBusReceivedMessage>();
        try
        {
            var matched = new List<DeadLetter>();
            IReadOnlyList<DeadLetter> letters;
            try
            {
                letters = await PeekFromAsync(receiver, entity, after: null, IDeadLetters.MaxScanned, cancellationToken).ConfigureAwait(false);
                foreach (var letter in letters)
                {
                    if (await filter(letter, cancellationToken).ConfigureAwait(false))
                    {
                        matched.Add(letter);
                    }
                }
            }
            catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
            {
                throw Unavailable(entity, ex);
            }

            if (dryRun || matched.Count == 0)
            {
                return new DeadLetterReplay(matched, []);
            }

            // Exactly as many as stand up to the last chosen one: no credit is left over to bring back what is given back.
            var last = matched.Max(m => m.Position);
            return await MoveAsync(receiver, entity, matched, letters.Count(l => l.Position <= last), held, replayedAt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await GiveBackAsync(receiver, held).ConfigureAwait(false);
            await CloseAsync(receiver, entity).ConfigureAwait(false);
        }
    }

    /// <summary>A receiver that does not close cleanly after the work is done must not turn a done replay into an error.</summary>
    private async Task CloseAsync(ServiceBusReceiver receiver, string entity)
    {
        try
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
        {
            Log.ReceiverFailed(logger, entity, $"closing the dead-letter receiver: {ex.Message}");
        }
    }

    /// <summary>Receives up to the last chosen message: each chosen one sent, then completed; the others held to give back.</summary>
    private async Task<DeadLetterReplay> MoveAsync(
        ServiceBusReceiver receiver, string entity, List<DeadLetter> matched, int expected, List<ServiceBusReceivedMessage> held, DateTimeOffset replayedAt, CancellationToken cancellationToken)
    {
        var replayed = new List<string?>();
        await using var sender = client.CreateSender(ServiceBusAddress.Parse(_options.AddressOf(entity)).Entity);
        var chosen = matched.Select(m => m.Position).ToHashSet();
        var last = chosen.Max();
        var received = 0;
        try
        {
            while (chosen.Count > 0 && received < expected)
            {
                var batch = await receiver.ReceiveMessagesAsync(Math.Min(PeekBatch, expected - received), ReceiveWait, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0)
                {
                    break; // the rest went meanwhile (another operator replayed them)
                }

                received += batch.Count;
                foreach (var message in batch)
                {
                    if (!chosen.Remove(message.SequenceNumber))
                    {
                        held.Add(message);
                        continue;
                    }

                    // Send first; complete only once Service Bus accepted the send.
                    await sender.SendMessageAsync(Replay(message, replayedAt), cancellationToken).ConfigureAwait(false);
                    await receiver.CompleteMessageAsync(message, cancellationToken).ConfigureAwait(false);
                    replayed.Add(message.MessageId);
                }

                if (batch[^1].SequenceNumber >= last)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
        {
            Log.ReplayStopped(logger, entity, replayed.Count, matched.Count, ex.Message);
            return new DeadLetterReplay(matched, replayed, $"Service Bus stopped the replay: {ex.Message}");
        }

        Log.Replayed(logger, entity, replayed.Count);
        return new DeadLetterReplay(matched, replayed);
    }

    private ServiceBusReceiver CreateReceiver(string entity, ServiceBusReceiveMode mode)
    {
        var address = ServiceBusAddress.Parse(_options.AddressOf(entity));
        var receiverOptions = new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = mode, PrefetchCount = 0 };
        return address.Subscription is null
            ? client.CreateReceiver(address.Entity, receiverOptions)
            : client.CreateReceiver(address.Entity, address.Subscription, receiverOptions);
    }

    private static async Task<IReadOnlyList<DeadLetter>> PeekFromAsync(
        ServiceBusReceiver receiver, string entity, long? after, int max, CancellationToken cancellationToken)
    {
        var letters = new List<DeadLetter>();
        var from = (after ?? 0) + 1;
        while (letters.Count < max)
        {
            var page = await receiver.PeekMessagesAsync(Math.Min(PeekBatch, max - letters.Count), from, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            letters.AddRange(page.Select(m => Describe(entity, m)));
            from = page[^1].SequenceNumber + 1;
        }

        return letters;
    }

    private static DeadLetter Describe(string entity, ServiceBusReceivedMessage message) => new(
        entity,
        message.SequenceNumber,
        message.MessageId,
        message.Subject,
        message.ContentType,
        message.DeadLetterReason,
        message.DeadLetterErrorDescription,
        message.EnqueuedTime,
        message.DeliveryCount,
        message.Body.ToMemory());

    /// <summary>The same message id, subject, content type, body and application properties, without the dead-letter ones, with the replay mark.</summary>
    internal static ServiceBusMessage Replay(ServiceBusReceivedMessage dead, DateTimeOffset replayedAt)
    {
        var message = new ServiceBusMessage(dead);
        foreach (var name in message.ApplicationProperties.Keys.Where(DeadLetterProperties.IsDeadLetterOnly).ToList())
        {
            message.ApplicationProperties.Remove(name);
        }

        message.ApplicationProperties[ReplayMarker.PropertyName] = ReplayMarker.Format(replayedAt);
        return message;
    }

    /// <summary>Abandons what was received on the way but not chosen: it stays in the dead-letter queue.</summary>
    private async Task GiveBackAsync(ServiceBusReceiver receiver, List<ServiceBusReceivedMessage> held)
    {
        foreach (var message in held)
        {
            try
            {
                await receiver.AbandonMessageAsync(message, cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
            {
                // The lock expires by itself: the message is available again all the same.
                Log.SettlementLost(logger, "dead letters", message.MessageId, SettlementKind.Abandon, ex.Message);
            }
        }
    }

    private static QueueUnavailableException Unavailable(string entity, Exception ex) =>
        new($"The dead-letter queue of '{entity}' cannot be read or written now ({(ServiceBusFailures.IsTransient(ex) ? "transient" : "not transient")}): {ex.Message}", ex);
}
