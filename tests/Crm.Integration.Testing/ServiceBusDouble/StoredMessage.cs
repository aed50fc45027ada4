using Amqp;

namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>A message at rest in a double's queue: what was sent, and what the queue added.</summary>
public sealed class StoredMessage(Message sent, long sequenceNumber, DateTimeOffset enqueuedTime)
{
    /// <summary>The message as the sender sent it.</summary>
    public Message Sent { get; } = sent;

    public string? MessageId => Sent.Properties?.MessageId?.ToString();

    public long SequenceNumber { get; } = sequenceNumber;

    public DateTimeOffset EnqueuedTime { get; } = enqueuedTime;

    /// <summary>Deliveries that ended without completion (abandoned or lock expired): the header's delivery-count.</summary>
    public int FailedDeliveries { get; set; }

    /// <summary>Set when the message went to the dead-letter queue.</summary>
    public string? DeadLetterReason { get; set; }

    public string? DeadLetterErrorDescription { get; set; }
}
