using System.Text;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Crm.Integration.Testing.ServiceBusDouble;

namespace Crm.Integration.Connectors.Tests.ServiceBus.AzureSdk;

/// <summary>The Azure transport (Microsoft's client) against the protocol-level Service Bus double.</summary>
public sealed class SdkTransportTests : IAsyncLifetime
{
    private const string Queue = "orders";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private ServiceBusDouble _serviceBus = null!;
    private DoubleQueue _queue = null!;

    public Task InitializeAsync()
    {
        _serviceBus = ServiceBusDouble.Start(lockDuration: TimeSpan.FromSeconds(2), maxDeliveryCount: 3);
        _queue = _serviceBus.AddEntity(Queue);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        var traffic = string.Join(Environment.NewLine, _serviceBus.Traffic.Kinds());
        Console.WriteLine($"Service Bus double saw:{Environment.NewLine}{traffic}");
        await _serviceBus.DisposeAsync();
    }

    [Fact]
    public async Task SendAsync_ManyMessages_AllArriveWithTheirProperties_AndAreCompletedOnce()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        var messages = Enumerable.Range(0, 40).Select(i => new OutboundMessage($"m{i}", "user-login", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"))).ToList();

        await connector.Sender.SendAsync(Queue, messages, CancellationToken.None);
        await using var run = new ListenerRun(connector.Listener, Queue, _ => Task.FromResult(Settlement.Complete));

        await Eventually.TrueAsync(() => Task.FromResult(_queue.Completed.Count == 40), Patience, "all 40 completed");
        var first = _queue.Arrived.First();
        Assert.Equal(("m0", "user-login", "application/json"), (first.MessageId, first.Sent.Properties.Subject, first.Sent.Properties.ContentType.ToString()));
        Assert.Equal(40, _queue.Completed.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal("{\"n\":7}", Encoding.UTF8.GetString(run.Deliveries.Single(d => d.MessageId == "m7").Body.Span));
        Assert.All(run.Deliveries, d => Assert.Equal(0, d.DeliveryCount));
        Assert.Contains(_serviceBus.Traffic.Kinds(), k => k.StartsWith("transfer to orders: batch", StringComparison.Ordinal));
    }
}
