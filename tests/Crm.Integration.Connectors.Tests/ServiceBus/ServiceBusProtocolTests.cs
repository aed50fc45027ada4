using System.Collections.Concurrent;
using System.Threading.Channels;
using Amqp;
using Amqp.Framing;
using Amqp.Listener;
using Amqp.Types;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

/// <summary>
/// What only Service Bus shows, against a protocol-level fake of a Service Bus queue (AMQPNetLite's listener):
/// the outcome each settlement sends, the dead-letter reason in the rejected outcome's error, the delivery count
/// read from the header, and a link the broker detaches while the connection stays up.
/// </summary>
public sealed class ServiceBusProtocolTests : IAsyncLifetime
{
    private const string Queue = "orders";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly FakeServiceBusQueue _queue = new();
    private ContainerHost _host = null!;
    private ServiceProvider _provider = null!;

    public Task InitializeAsync()
    {
        var port = FreePorts.Next();
        _host = new ContainerHost(new Address($"amqp://RootManageSharedAccessKey:c2VjcmV0@127.0.0.1:{port}"));
        _host.Open();
        _host.RegisterMessageSource(Queue, _queue);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ServiceBus:Host"] = "127.0.0.1",
            ["ServiceBus:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ServiceBus:KeyName"] = "RootManageSharedAccessKey",
            ["ServiceBus:Key"] = "c2VjcmV0",
            ["ServiceBus:Entities:orders"] = Queue,
            ["ServiceBus:MinReconnectDelay"] = "00:00:00.050",
            ["ServiceBus:MaxReconnectDelay"] = "00:00:00.500",
        }).Build();
        _provider = new ServiceCollection().AddLogging().AddServiceBus(configuration).BuildServiceProvider();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task DeadLetter_SendsRejectedWithTheServiceBusConditionReasonAndDescription()
    {
        _queue.Enqueue(Message("m1", deliveryCount: 0));

        await using var run = new ListenerRun(Listener, Queue, _ => Task.FromResult(Settlement.DeadLetter("UnknownTemplate", "No template 'welcome'.")));

        var (_, state) = await _queue.NextDispositionAsync(Patience);
        var error = Assert.IsType<Rejected>(state).Error;
        Assert.Equal("com.microsoft:dead-letter", error.Condition.ToString());
        Assert.Equal("No template 'welcome'.", error.Description);
        Assert.Equal("UnknownTemplate", error.Info[new Symbol("DeadLetterReason")]);
        Assert.Equal("No template 'welcome'.", error.Info[new Symbol("DeadLetterErrorDescription")]);
    }

    [Theory]
    [InlineData(SettlementKind.Complete, typeof(Accepted))]
    [InlineData(SettlementKind.Abandon, typeof(Released))]
    public async Task Settlement_SendsTheMatchingOutcome(SettlementKind kind, Type outcome)
    {
        _queue.Enqueue(Message("m2", deliveryCount: 0));

        await using var run = new ListenerRun(Listener, Queue, _ => Task.FromResult(new Settlement(kind, "reason")));

        var (messageId, state) = await _queue.NextDispositionAsync(Patience);
        Assert.Equal("m2", messageId);
        Assert.IsType(outcome, state);
    }

    [Fact]
    public async Task DeliveryCount_IsReadFromTheHeaderServiceBusSends()
    {
        _queue.Enqueue(Message("m3", deliveryCount: 4));

        await using var run = new ListenerRun(Listener, Queue, _ => Task.FromResult(Settlement.Complete));

        await _queue.NextDispositionAsync(Patience);
        Assert.Equal(4, Assert.Single(run.Deliveries).DeliveryCount);
    }

    [Fact]
    public async Task LinkDetachedByTheBroker_TheListenerAttachesAgainAndGoesOn()
    {
        await using var run = new ListenerRun(Listener, Queue, _ => Task.FromResult(Settlement.Complete));
        _queue.Enqueue(Message("before", deliveryCount: 0));
        await _queue.NextDispositionAsync(Patience);

        await _queue.DetachLinksAsync(new Error(new Symbol("amqp:link:detach-forced")) { Description = "test" });
        _queue.Enqueue(Message("after", deliveryCount: 0));

        var (messageId, state) = await _queue.NextDispositionAsync(Patience);
        Assert.Equal(("after", typeof(Accepted)), (messageId, state.GetType()));
        Assert.True(_queue.LinksServed >= 2, $"links served: {_queue.LinksServed}");
    }

    public async Task DisposeAsync()
    {
        await _provider.DisposeAsync();
        _host.Close();
    }

    private IQueueListener Listener => _provider.GetRequiredService<IQueueListener>();

    private static Message Message(string id, uint deliveryCount) => new("{}")
    {
        Header = new Header { DeliveryCount = deliveryCount, FirstAcquirer = deliveryCount == 0 },
        Properties = new Properties { MessageId = id },
    };


    /// <summary>A queue that hands out messages to whichever link asks and records every settlement.</summary>
    private sealed class FakeServiceBusQueue : IMessageSource
    {
        private readonly Channel<Message> _messages = Channel.CreateUnbounded<Message>();
        private readonly Channel<(string? MessageId, DeliveryState State)> _dispositions = Channel.CreateUnbounded<(string?, DeliveryState)>();
        private readonly ConcurrentDictionary<ListenerLink, bool> _links = new();

        public int LinksServed => _links.Count;

        public void Enqueue(Message message) => _messages.Writer.TryWrite(message);

        public async Task<ReceiveContext> GetMessageAsync(ListenerLink link)
        {
            _links.TryAdd(link, true);
            var message = await _messages.Reader.ReadAsync();
            if (link.IsClosed)
            {
                // Asked for by a link that has gone since: keep the message for the next one.
                _messages.Writer.TryWrite(message);
                return null!;
            }

            return new ReceiveContext(link, message);
        }

        public void DisposeMessage(ReceiveContext receiveContext, DispositionContext dispositionContext)
        {
            _dispositions.Writer.TryWrite((dispositionContext.Message.Properties?.MessageId?.ToString(), dispositionContext.DeliveryState));
            dispositionContext.Complete();
        }

        public async Task<(string? MessageId, DeliveryState State)> NextDispositionAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            return await _dispositions.Reader.ReadAsync(cancel.Token);
        }

        public async Task DetachLinksAsync(Error error)
        {
            foreach (var link in _links.Keys.Where(l => !l.IsClosed))
            {
                try
                {
                    await link.CloseAsync(TimeSpan.FromSeconds(5), error);
                }
                catch (AmqpException ex) when (ex.Error.Condition == error.Condition)
                {
                    // AMQPNetLite reports the closing side's own error back once the peer has answered the detach.
                }
            }
        }
    }
}
