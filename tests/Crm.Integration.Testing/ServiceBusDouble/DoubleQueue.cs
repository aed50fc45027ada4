using System.Collections.Concurrent;
using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;

namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>
/// One Service Bus entity of the double (a queue, a subscription, or a dead-letter queue): peek-lock deliveries whose
/// delivery tag is the lock token, lock expiry, and the settlement outcomes Service Bus gives meaning to — accepted
/// (complete), rejected (dead-letter, reason kept), modified (abandon: delivery count + 1, dead-lettered at the maximum).
/// </summary>
public sealed class DoubleQueue : IMessageSource, IMessageProcessor
{
    /// <summary>The message format of a batch: each data section of the body holds one encoded message.</summary>
    private const uint BatchFormat = 0x80013700;

    private readonly TimeSpan _lockDuration;
    private readonly int _maxDeliveryCount;
    private readonly TimeProvider _time;
    private readonly DoubleTraffic _traffic;
    private readonly Channel<StoredMessage> _ready = Channel.CreateUnbounded<StoredMessage>();
    private readonly ConcurrentDictionary<Guid, LockedDelivery> _locked = new();
    private readonly ConcurrentDictionary<long, StoredMessage> _present = new();
    private long _sequence;
    private int _lockLostSettlements;

    internal DoubleQueue(string name, TimeSpan lockDuration, int maxDeliveryCount, TimeProvider time, DoubleTraffic traffic, bool withDeadLetters)
    {
        Name = name;
        _lockDuration = lockDuration;
        _maxDeliveryCount = maxDeliveryCount;
        _time = time;
        _traffic = traffic;
        DeadLetters = withDeadLetters ? new DoubleQueue($"{name}/$deadletterqueue", lockDuration, int.MaxValue, time, traffic, false) : null;
    }

    public string Name { get; }

    /// <summary>The entity's <c>$deadletterqueue</c>; null for a dead-letter queue itself.</summary>
    public DoubleQueue? DeadLetters { get; }

    /// <summary>Every message that arrived here, in order (sent, or moved here by dead-lettering).</summary>
    public ConcurrentQueue<StoredMessage> Arrived { get; } = new();

    /// <summary>Messages completed (accepted under a valid lock).</summary>
    public ConcurrentQueue<StoredMessage> Completed { get; } = new();

    /// <summary>Every settlement honoured, by message id and outcome (accepted, rejected, modified, released).</summary>
    public ConcurrentQueue<(string? MessageId, string Outcome)> Settlements { get; } = new();

    /// <summary>Settlements refused because the lock had expired or was never held.</summary>
    public int LockLostSettlements => Volatile.Read(ref _lockLostSettlements);

    /// <summary>Lock renewals granted.</summary>
    public int Renewals { get; private set; }

    public int Credit => 1000;

    public void Enqueue(Message sent)
    {
        var stored = new StoredMessage(sent, Interlocked.Increment(ref _sequence), _time.GetUtcNow());
        Arrived.Enqueue(stored);
        _present[stored.SequenceNumber] = stored;
        _ready.Writer.TryWrite(stored);
    }

    void IMessageProcessor.Process(MessageContext messageContext)
    {
        Accept(messageContext.Message);
        messageContext.Complete();
    }

    /// <summary>A client's send: a single message, or a batch whose data sections are messages.</summary>
    internal void Accept(Message message)
    {
        if (message.Format == BatchFormat)
        {
            var sections = message.BodySection switch
            {
                DataList list => Enumerable.Range(0, list.Count).Select(i => list[i]).ToList(),
                Data data => [data],
                _ => [],
            };
            _traffic.Record($"transfer to {Name}: batch (format 0x{BatchFormat:x8})");
            foreach (var section in sections)
            {
                Enqueue(Message.Decode(new ByteBuffer(section.Binary, 0, section.Binary.Length, section.Binary.Length)));
            }
        }
        else
        {
            _traffic.Record($"transfer to {Name}: single message");
            Enqueue(message);
        }
    }

    async Task<ReceiveContext> IMessageSource.GetMessageAsync(ListenerLink link)
    {
        // Waits briefly, not forever: a link that drains its credit (as the SDK does before it closes a receiver) is
        // answered only once the source says it has nothing.
        using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        StoredMessage stored;
        try
        {
            stored = await _ready.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null!;
        }

        if (link.IsClosed)
        {
            // Asked for by a link that has gone since: keep the message for the next one.
            _ready.Writer.TryWrite(stored);
            return null!;
        }

        var locked = new LockedDelivery(stored, Guid.NewGuid(), _time.GetUtcNow() + _lockDuration);
        _locked[locked.LockToken] = locked;
        return new ReceiveContext(link, Delivered(locked)) { UserToken = locked };
    }

    void IMessageSource.DisposeMessage(ReceiveContext receiveContext, DispositionContext dispositionContext)
    {
        var locked = (LockedDelivery)receiveContext.UserToken;
        var state = dispositionContext.DeliveryState;
        if (state is Released && (dispositionContext.Link.IsClosed || dispositionContext.Link.Session.Connection.IsClosed))
        {
            // Not the client's: the link died with the delivery unsettled. As on Service Bus, the lock outlives the link:
            // the client may still settle through $management, or the lock expires and the message comes again.
            _traffic.Record($"link to {Name} closed with a delivery unsettled: its lock is kept until it expires");
            return;
        }

        var settled = state switch
        {
            Accepted => Settle(locked.LockToken, "accepted", null, null, "link"),
            Rejected rejected => Settle(locked.LockToken, "rejected",
                rejected.Error?.Info?[new Symbol("DeadLetterReason")] as string, rejected.Error?.Info?[new Symbol("DeadLetterErrorDescription")] as string, "link"),
            Modified => Settle(locked.LockToken, "modified", null, null, "link"),
            _ => Settle(locked.LockToken, "released", null, null, "link"),
        };

        // Service Bus answers a settlement it honoured with accepted (the outcome of the disposition, not of the
        // message); rejected would tell the client that its settlement failed.
        dispositionContext.Link.DisposeMessage(dispositionContext.Message, settled ? new Accepted() : new Rejected
        {
            Error = new Error(new Symbol("com.microsoft:message-lock-lost")) { Description = "The lock supplied is invalid." },
        }, true);
    }

    /// <summary>
    /// Settles the delivery holding <paramref name="lockToken"/> — accepted (complete), rejected (dead-letter),
    /// modified (abandon), released — over the link or <c>$management</c>. False when the lock is not held.
    /// </summary>
    internal bool Settle(Guid lockToken, string outcome, string? reason, string? description, string via)
    {
        if (!_locked.TryGetValue(lockToken, out var locked) || locked.LockedUntil <= _time.GetUtcNow() || !_locked.TryRemove(lockToken, out _))
        {
            Interlocked.Increment(ref _lockLostSettlements);
            _traffic.Record($"{outcome} by {via} on {Name} after the lock was lost: refused with com.microsoft:message-lock-lost");
            return false;
        }

        _traffic.Record($"{outcome} by {via} on {Name}");
        var stored = locked.Message;
        switch (outcome)
        {
            case "accepted":
                _present.TryRemove(stored.SequenceNumber, out _);
                Completed.Enqueue(stored);
                break;
            case "rejected":
                DeadLetter(stored, reason, description);
                break;
            case "modified":
                // Service Bus counts an abandon as a failed delivery whatever the modified outcome's flags say.
                Abandon(stored, countsAsDelivery: true);
                break;
            default:
                Abandon(stored, countsAsDelivery: false);
                break;
        }

        Settlements.Enqueue((stored.MessageId, outcome));
        return true;
    }

    /// <summary>Extends a held lock by the lock duration; null when the lock is not held (expired, settled, unknown).</summary>
    internal DateTime? RenewLock(Guid lockToken)
    {
        var now = _time.GetUtcNow();
        if (!_locked.TryGetValue(lockToken, out var locked) || locked.LockedUntil <= now)
        {
            return null;
        }

        locked.LockedUntil = now + _lockDuration;
        Renewals++;
        return locked.LockedUntil.UtcDateTime;
    }

    /// <summary>Locks past their time end the delivery: the message is available again with its delivery count + 1.</summary>
    internal void ExpireLocks()
    {
        var now = _time.GetUtcNow();
        foreach (var (token, locked) in _locked)
        {
            if (locked.LockedUntil <= now && _locked.TryRemove(token, out _))
            {
                _traffic.Record($"lock expired on {Name}");
                Abandon(locked.Message, countsAsDelivery: true);
            }
        }
    }

    private void Abandon(StoredMessage stored, bool countsAsDelivery)
    {
        if (countsAsDelivery)
        {
            stored.FailedDeliveries++;
        }

        if (DeadLetters is not null && stored.FailedDeliveries >= _maxDeliveryCount)
        {
            DeadLetter(stored, "MaxDeliveryCountExceeded", $"Message could not be consumed after {_maxDeliveryCount} delivery attempts.");
            return;
        }

        _ready.Writer.TryWrite(stored);
    }

    private void DeadLetter(StoredMessage stored, string? reason, string? description)
    {
        _present.TryRemove(stored.SequenceNumber, out _);
        stored.DeadLetterReason = reason;
        stored.DeadLetterErrorDescription = description;
        var moved = Message.Decode(stored.Sent.Encode());
        moved.ApplicationProperties ??= new ApplicationProperties();
        moved.ApplicationProperties["DeadLetterReason"] = reason;
        moved.ApplicationProperties["DeadLetterErrorDescription"] = description;
        DeadLetters?.Enqueue(moved);
    }

    /// <summary>The messages in the entity now (ready or locked), in sequence order.</summary>
    public IReadOnlyList<StoredMessage> Present => _present.Values.OrderBy(m => m.SequenceNumber).ToList();

    /// <summary>
    /// <c>com.microsoft:peek-message</c>: up to <paramref name="count"/> messages from sequence number
    /// <paramref name="from"/> on, locked or not, as copies with Service Bus's annotations; nothing changes.
    /// </summary>
    internal IReadOnlyList<Message> Peek(long from, int count)
    {
        _traffic.Record($"peek on {Name} from {from}");
        return _present.Values.Where(m => m.SequenceNumber >= from).OrderBy(m => m.SequenceNumber).Take(count).Select(Peeked).ToList();
    }

    private static Message Peeked(StoredMessage stored)
    {
        var message = Message.Decode(stored.Sent.Encode());
        message.Header = new Header { Durable = true, DeliveryCount = (uint)stored.FailedDeliveries };
        message.MessageAnnotations ??= new MessageAnnotations();
        message.MessageAnnotations[new Symbol("x-opt-sequence-number")] = stored.SequenceNumber;
        message.MessageAnnotations[new Symbol("x-opt-enqueued-time")] = stored.EnqueuedTime.UtcDateTime;
        return message;
    }

    /// <summary>A fresh copy of the stored message with the header and annotations Service Bus adds to a peek-lock delivery.</summary>
    private static Message Delivered(LockedDelivery locked)
    {
        var stored = locked.Message;
        var message = Message.Decode(stored.Sent.Encode());
        message.Header = new Header { Durable = true, DeliveryCount = (uint)stored.FailedDeliveries };
        message.MessageAnnotations ??= new MessageAnnotations();
        message.MessageAnnotations[new Symbol("x-opt-locked-until")] = locked.LockedUntil.UtcDateTime;
        message.MessageAnnotations[new Symbol("x-opt-sequence-number")] = stored.SequenceNumber;
        message.MessageAnnotations[new Symbol("x-opt-enqueued-time")] = stored.EnqueuedTime.UtcDateTime;
        return message;
    }
}
