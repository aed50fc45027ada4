using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Types;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Takes the payload and the properties handlers need out of an AMQP message, whoever sent it.</summary>
internal static class AmqpMessageReader
{
    /// <returns>The message, or null with <paramref name="unreadableReason"/> when the body is of a kind no handler reads.</returns>
    public static InboundMessage? Read(Message message, out string? unreadableReason)
    {
        unreadableReason = null;
        ReadOnlyMemory<byte> body;
        switch (message.BodySection)
        {
            case Data data:
                body = data.Binary ?? [];
                break;
            case AmqpValue { Value: string text }:
                body = Encoding.UTF8.GetBytes(text);
                break;
            case AmqpValue { Value: byte[] binary }:
                body = binary;
                break;
            case null:
                body = ReadOnlyMemory<byte>.Empty;
                break;
            default:
                unreadableReason = $"The body is an AMQP {Describe(message.BodySection)}; expected a data section, or an amqp-value holding a string or binary.";
                return null;
        }

        var header = message.Header;
        var deliveryCount = (int)(header?.DeliveryCount ?? 0);
        if (deliveryCount == 0 && header is { FirstAcquirer: false })
        {
            deliveryCount = 1;
        }

        return new InboundMessage(
            message.Properties?.MessageId?.ToString(),
            message.Properties?.Subject,
            message.Properties?.ContentType?.ToString(),
            body,
            deliveryCount,
            ReplayMarker.Read(Property(message, ReplayMarker.PropertyName)));
    }

    /// <summary>An application property of the message, or null.</summary>
    public static object? Property(Message message, string name) =>
        message.ApplicationProperties?.Map is { } map && map.TryGetValue(name, out var value) ? value : null;

    private static string Describe(RestrictedDescribed section) => section switch
    {
        AmqpValue value => $"amqp-value of {value.Value?.GetType().Name ?? "null"}",
        AmqpSequence => "amqp-sequence",
        _ => section.GetType().Name,
    };
}
