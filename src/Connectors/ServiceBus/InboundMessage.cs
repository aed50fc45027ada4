namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>A message received from a queue, with its body already taken out of the AMQP framing.</summary>
/// <param name="MessageId">The AMQP <c>message-id</c> as a string, when the sender set one.</param>
/// <param name="Subject">The AMQP <c>subject</c>.</param>
/// <param name="ContentType">The AMQP <c>content-type</c>.</param>
/// <param name="Body">The payload: the <c>data</c> section(s), or an <c>amqp-value</c> holding a string (UTF-8) or binary.</param>
/// <param name="DeliveryCount">
/// How many earlier deliveries of this message failed: Service Bus sends it in the header; RabbitMQ does not, so a
/// redelivery there (<c>first-acquirer</c> false) counts as at least one.
/// </param>
/// <param name="ReplayedAt">
/// When an operator sent the message back from the dead-letter queue (application property
/// <see cref="ReplayMarker.PropertyName"/>); null for an ordinary delivery. A replayed rejection is handled again.
/// </param>
public sealed record InboundMessage(
    string? MessageId,
    string? Subject,
    string? ContentType,
    ReadOnlyMemory<byte> Body,
    int DeliveryCount,
    DateTimeOffset? ReplayedAt = null);
