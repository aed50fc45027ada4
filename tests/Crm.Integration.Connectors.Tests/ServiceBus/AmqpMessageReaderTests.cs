using Amqp;
using Amqp.Framing;
using Crm.Integration.Connectors.ServiceBus;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

public sealed class AmqpMessageReaderTests
{
    [Theory]
    [InlineData(0u, true, 0)]
    [InlineData(0u, false, 1)]
    [InlineData(3u, false, 3)]
    public void Read_DeliveryCount_FromHeaderOrFirstAcquirer(uint headerCount, bool firstAcquirer, int expected)
    {
        var message = new Message("x") { Header = new Header { DeliveryCount = headerCount, FirstAcquirer = firstAcquirer } };

        Assert.Equal(expected, AmqpMessageReader.Read(message, out _)!.DeliveryCount);
    }

    [Fact]
    public void Read_NoBody_IsAnEmptyBody()
    {
        var inbound = AmqpMessageReader.Read(new Message { Properties = new Properties { MessageId = "m" } }, out _);

        Assert.Equal(0, inbound!.Body.Length);
        Assert.Equal("m", inbound.MessageId);
    }

    [Fact]
    public void Read_AmqpValueOfAnotherType_IsUnreadableWithAReason()
    {
        Assert.Null(AmqpMessageReader.Read(new Message { BodySection = new AmqpValue { Value = 42 } }, out var reason));

        Assert.Contains("amqp-value of Int32", reason, StringComparison.Ordinal);
    }
}
