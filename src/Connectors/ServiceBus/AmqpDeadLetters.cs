using Amqp;
using Amqp.Framing;
using Amqp.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// The dead-letter queues of the local broker: <c>&lt;address&gt;.dlq</c> (RabbitMQ's dead-letter exchange routes
/// there). RabbitMQ 3.10 has no browse over AMQP 1.0, so a peek receives without settling and gives everything back by
/// ending its session. Found by trying it: a message released while the link still has credit comes straight back on the
/// same link; deliveries left unsettled on a detached link return only when their session ends; a message given back
/// from the middle of the queue goes to its end, while a queue read whole and given back keeps its order. Hence every
/// call reads the whole queue (up to <see cref="IDeadLetters.MaxScanned"/>) in a session of its own, and ends it.
/// The broker keeps no reason over AMQP 1.0 (no <c>x-death</c>, no delivery count): <see cref="DeadLetter.Reason"/>
/// is null, and the ledger knows it.
/// </summary>
internal sealed class AmqpDeadLetters(
    [FromKeyedServices(AmqpConnection.Sending)] AmqpConnection connection, IOptions<ServiceBusOptions> options, ILogger<AmqpDeadLetters> logger) : IDeadLetters
{
    private static readonly Symbol EnqueuedTime = new("x-opt-enqueued-time");
    private static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan NextWait = TimeSpan.FromMilliseconds(250);

    private readonly ServiceBusOptions _options = options.Value;

    /// <summary>The dead-letter queue's address beside the entity's: <c>/amq/queue/platform-events.dlq</c>.</summary>
    public static string DeadLetterAddressOf(string address) => address + ".dlq";

    public async Task<IReadOnlyList<DeadLetter>> PeekAsync(string entity, long? after, int max, CancellationToken cancellationToken)
    {
        var session = await OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (_, letters) = await ReadAllAsync(session, entity, cancellationToken).ConfigureAwait(false);
            return letters.Where(l => l.Position > (after ?? 0)).Take(max).ToList();
        }
        finally
        {
            // Ending the session gives every delivery back, unsettled: nothing removed, nothing counted.
            await AmqpLinks.CloseQuietlyAsync(session).ConfigureAwait(false);
        }
    }

    public async Task<DeadLetterReplay> ReplayAsync(
        string entity, DeadLetterFilter filter, bool dryRun, DateTimeOffset replayedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var session = await OpenSessionAsync(cancellationToken).ConfigureAwait(false);
        Session? sending = null;
        var replayed = new List<string?>();
        try
        {
            var (link, letters) = await ReadAllAsync(session, entity, cancellationToken).ConfigureAwait(false);
            var matched = new List<(DeadLetter Letter, Message Message)>();
            foreach (var (letter, message) in letters.Zip(link.Messages))
            {
                if (await filter(letter, cancellationToken).ConfigureAwait(false))
                {
                    matched.Add((letter, message));
                }
            }

            if (dryRun || matched.Count == 0)
            {
                return new DeadLetterReplay(matched.ConvertAll(m => m.Letter), replayed);
            }

            sending = new Session(await connection.GetAsync(cancellationToken).ConfigureAwait(false));
            var sender = await AmqpLinks.AttachSenderAsync(sending, _options.AddressOf(entity), _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            foreach (var (letter, message) in matched)
            {
                try
                {
                    // Send first and wait for the broker's accepted; only then take it out of the dead-letter queue.
                    await sender.SendAsync(Replay(message, replayedAt), _options.SendTimeout).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AmqpException or TimeoutException or ObjectDisposedException)
                {
                    Log.ReplayStopped(logger, entity, replayed.Count, matched.Count, ex.Message);
                    return new DeadLetterReplay(matched.ConvertAll(m => m.Letter), replayed, $"The broker did not accept a replayed message: {ex.Message}");
                }

                link.Receiver.Accept(message);
                replayed.Add(letter.MessageId);
            }

            Log.Replayed(logger, entity, replayed.Count);
            return new DeadLetterReplay(matched.ConvertAll(m => m.Letter), replayed);
        }
        catch (Exception ex) when (ex is AmqpException or TimeoutException or ObjectDisposedException)
        {
            throw new QueueUnavailableException($"The dead-letter queue of '{entity}' cannot be read: {ex.Message}", ex);
        }
        finally
        {
            await AmqpLinks.CloseQuietlyAsync(sending).ConfigureAwait(false);
            // The accepted ones are gone; ending the session gives the rest back as they were.
            await AmqpLinks.CloseQuietlyAsync(session).ConfigureAwait(false);
        }
    }

    private async Task<Session> OpenSessionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new Session(await connection.GetAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException)
        {
            throw new QueueUnavailableException($"The broker cannot be reached: {ex.Message}", ex);
        }
    }

    /// <summary>Receives, without settling, everything the dead-letter queue holds (up to the scan limit).</summary>
    private async Task<(HeldDeliveries Link, List<DeadLetter> Letters)> ReadAllAsync(Session session, string entity, CancellationToken cancellationToken)
    {
        var address = DeadLetterAddressOf(_options.AddressOf(entity));
        var receiver = await AmqpLinks.AttachReceiverAsync(session, address, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        // Credit for the whole scan at once and never restored: a settlement must not make the broker send more.
        receiver.SetCredit(IDeadLetters.MaxScanned, autoRestore: false);
        var held = new HeldDeliveries(receiver);
        var letters = new List<DeadLetter>();
        try
        {
            while (letters.Count < IDeadLetters.MaxScanned)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var message = await receiver.ReceiveAsync(letters.Count == 0 ? FirstWait : NextWait).ConfigureAwait(false);
                if (message is null)
                {
                    break;
                }

                held.Messages.Add(message);
                letters.Add(Describe(entity, letters.Count + 1, message));
            }
        }
        catch (Exception ex) when (ex is AmqpException or ObjectDisposedException)
        {
            throw new QueueUnavailableException($"The dead-letter queue of '{entity}' cannot be read: {ex.Message}", ex);
        }

        return (held, letters);
    }

    private static DeadLetter Describe(string entity, long position, Message message)
    {
        var inbound = AmqpMessageReader.Read(message, out _);
        return new DeadLetter(
            entity,
            position,
            message.Properties?.MessageId?.ToString(),
            message.Properties?.Subject,
            message.Properties?.ContentType?.ToString(),
            AmqpMessageReader.Property(message, DeadLetterProperties.Reason) as string,
            AmqpMessageReader.Property(message, DeadLetterProperties.Description) as string,
            EnqueuedAt(message),
            (int)(message.Header?.DeliveryCount ?? 0),
            inbound?.Body ?? ReadOnlyMemory<byte>.Empty);
    }

    private static DateTimeOffset? EnqueuedAt(Message message) =>
        message.MessageAnnotations?.Map is { } annotations && annotations.TryGetValue(EnqueuedTime, out var value) && value is DateTime stamped
            ? new DateTimeOffset(stamped.ToUniversalTime())
        : message.Properties?.CreationTime is { Ticks: > 0 } created ? new DateTimeOffset(created.ToUniversalTime())
        : null;

    /// <summary>
    /// The message to send back: the same properties (message id, subject, content type, creation time) and body, the
    /// application properties without the dead-letter ones, the replay mark; no header or annotations of the broker's.
    /// </summary>
    internal static Message Replay(Message dead, DateTimeOffset replayedAt)
    {
        var properties = new ApplicationProperties();
        if (dead.ApplicationProperties?.Map is { } map)
        {
            foreach (var (name, value) in map)
            {
                if (name is string key && !DeadLetterProperties.IsDeadLetterOnly(key))
                {
                    properties[key] = value;
                }
            }
        }

        properties[ReplayMarker.PropertyName] = ReplayMarker.Format(replayedAt);
        return new Message
        {
            Header = new Header { Durable = true },
            Properties = dead.Properties,
            ApplicationProperties = properties,
            BodySection = dead.BodySection,
        };
    }

    /// <summary>The receiver and the deliveries it holds unsettled, in the order they came.</summary>
    private sealed class HeldDeliveries(ReceiverLink receiver)
    {
        public ReceiverLink Receiver { get; } = receiver;

        public List<Message> Messages { get; } = [];
    }
}
