using System.Diagnostics;
using System.Text;
using Amqp.Framing;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

[Collection(SharedStackCollection.Name)]
public sealed class AmqpQueueSenderTests(SharedStackFixture fixture)
{
    [Fact]
    public async Task SendAsync_PutsDurableMessageWithIdSubjectContentTypeAndOneDataSection()
    {
        await using var raw = await RawAmqp.ConnectAsync(fixture.Stack);
        await raw.DrainAsync("test-sender", TimeSpan.FromMilliseconds(200));
        await using var connector = new ServiceBusConnector(fixture.Stack);
        var body = """{"log_id":"abc","data":{"type":"s"}}"""u8.ToArray();

        await connector.Sender.SendAsync("test-sender", [new OutboundMessage("abc", "s", body)], CancellationToken.None);

        var message = Assert.Single(await raw.DrainAsync("test-sender", TimeSpan.FromMilliseconds(500)));
        Assert.Equal("abc", message.Properties.MessageId);
        Assert.Equal("s", message.Properties.Subject);
        Assert.Equal("application/json", message.Properties.ContentType.ToString());
        Assert.True(message.Header.Durable);
        Assert.Equal(body, Assert.IsType<Data>(message.BodySection).Binary);
    }

    [Fact]
    public async Task SendAsync_Batch_ReturnsWhenTheBrokerHoldsEveryMessage()
    {
        await using var raw = await RawAmqp.ConnectAsync(fixture.Stack);
        await raw.DrainAsync("test-sender", TimeSpan.FromMilliseconds(200));
        await using var connector = new ServiceBusConnector(fixture.Stack);
        var batch = Enumerable.Range(0, 300).Select(i => new OutboundMessage($"m-{i}", "s", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"))).ToList();

        await connector.Sender.SendAsync("test-sender", batch, CancellationToken.None);

        var received = await raw.DrainAsync("test-sender", TimeSpan.FromMilliseconds(500));
        Assert.Equal(batch.Select(m => m.MessageId).Order(), received.Select(m => (string)m.Properties.MessageId).Order());
    }

    [Fact]
    public async Task SendAsync_GoesOverAConnectionOfItsOwn_NotTheReceivers()
    {
        await using var connector = new ServiceBusConnector(fixture.Stack);

        await connector.Sender.SendAsync("test-sender", [new OutboundMessage("own-connection", "s", "{}"u8.ToArray())], CancellationToken.None);

        // A send that an HTTP caller waits for must not queue behind the receivers' deliveries on one socket.
        Assert.True(connector.GetKeyed<AmqpConnection>(AmqpConnection.Sending).IsOpen);
        Assert.False(connector.GetKeyed<AmqpConnection>(AmqpConnection.Receiving).IsOpen);
        await using var raw = await RawAmqp.ConnectAsync(fixture.Stack);
        Assert.Contains(await raw.DrainAsync("test-sender", TimeSpan.FromMilliseconds(500)), m => (string)m.Properties.MessageId == "own-connection");
    }

    [Fact]
    public async Task SendAsync_EntityNotConfigured_ThrowsNamingTheSetting()
    {
        await using var connector = new ServiceBusConnector(fixture.Stack);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => connector.Sender.SendAsync("unconfigured", [new OutboundMessage("x", null, "{}"u8.ToArray())], CancellationToken.None));

        Assert.Contains("ServiceBus:Entities:unconfigured", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NoBrokerListening_ThrowsQueueUnavailableWithinTheConnectTimeout()
    {
        await using var connector = new ServiceBusConnector(fixture.Stack, port: 1);
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<QueueUnavailableException>(
            () => connector.Sender.SendAsync("test-sender", [new OutboundMessage("x", null, "{}"u8.ToArray())], CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"took {clock.Elapsed}");
    }
}
