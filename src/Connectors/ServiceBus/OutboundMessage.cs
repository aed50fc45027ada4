namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>A message to put on a queue.</summary>
/// <param name="MessageId">Becomes the AMQP <c>message-id</c>; Service Bus duplicate detection keys on it.</param>
/// <param name="Subject">Becomes the AMQP <c>subject</c> (Service Bus <c>Label</c>), e.g. the event type.</param>
/// <param name="Body">Sent as one <c>data</c> section, as the Azure SDKs do.</param>
/// <param name="ContentType">The AMQP <c>content-type</c>.</param>
public sealed record OutboundMessage(
    string MessageId,
    string? Subject,
    ReadOnlyMemory<byte> Body,
    string ContentType = "application/json");
