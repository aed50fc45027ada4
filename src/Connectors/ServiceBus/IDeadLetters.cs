namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// One message in an entity's dead-letter queue, as peeked: what an operator sees, and what a filter decides on.
/// </summary>
/// <param name="Entity">The logical entity (<c>platform-events</c>) whose dead-letter queue holds it.</param>
/// <param name="Position">
/// Where it stands, for paging: the Service Bus sequence number; on the local broker its place in the queue as read
/// (1, 2, …), which holds while nobody else takes messages from it.
/// </param>
/// <param name="Reason">The dead-letter reason the broker kept (Service Bus <c>DeadLetterReason</c>); null where the
/// broker keeps none (RabbitMQ over AMQP 1.0): the ledger knows it then.</param>
/// <param name="DeliveryCount">Deliveries counted by the broker (Service Bus); 0 where the broker counts none.</param>
/// <param name="Body">The payload, for a resolver that needs the event inside it; never shown.</param>
public sealed record DeadLetter(
    string Entity,
    long Position,
    string? MessageId,
    string? Subject,
    string? ContentType,
    string? Reason,
    string? Description,
    DateTimeOffset? EnqueuedTime,
    int DeliveryCount,
    ReadOnlyMemory<byte> Body);

/// <summary>Whether a dead letter is to be replayed.</summary>
public delegate ValueTask<bool> DeadLetterFilter(DeadLetter letter, CancellationToken cancellationToken);

/// <summary>What a replay found and did.</summary>
/// <param name="Matched">The dead letters the filter chose (all of them replayed unless <paramref name="Failure"/> is set or it was a dry run).</param>
/// <param name="Replayed">The message ids sent back to the entity and removed from its dead-letter queue.</param>
/// <param name="Failure">Why the replay stopped before the end (the broker went away); what was replayed before stays replayed.</param>
public sealed record DeadLetterReplay(IReadOnlyList<DeadLetter> Matched, IReadOnlyList<string?> Replayed, string? Failure = null);

/// <summary>
/// The dead-letter queues of the hub's entities: peek without removing anything, and replay — send back to the
/// entity, then remove from the dead-letter queue. Both throw <see cref="QueueUnavailableException"/> when the broker
/// cannot be reached.
/// </summary>
public interface IDeadLetters
{
    /// <summary>The most this connector reads from one dead-letter queue in one call (peek or replay).</summary>
    public const int MaxScanned = 1000;

    /// <summary>Up to <paramref name="max"/> dead letters after <paramref name="after"/> (a <see cref="DeadLetter.Position"/>), in queue order.</summary>
    Task<IReadOnlyList<DeadLetter>> PeekAsync(string entity, long? after, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Sends every dead letter <paramref name="filter"/> chooses back to <paramref name="entity"/> with its message id,
    /// subject, content type, body and application properties (without the dead-letter reason and description, with
    /// <see cref="ReplayMarker.PropertyName"/> = <paramref name="replayedAt"/>), and removes it from the dead-letter queue
    /// only once the broker accepted the send: a crash in between leaves a duplicate, never a loss. The others stay.
    /// A <paramref name="dryRun"/> only reads and reports.
    /// </summary>
    Task<DeadLetterReplay> ReplayAsync(string entity, DeadLetterFilter filter, bool dryRun, DateTimeOffset replayedAt, CancellationToken cancellationToken);
}
