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

    /// <summary>Service Bus refuses message ids over 128 characters; the hub takes event ids of up to 1,024 (issue 14).</summary>
    [Fact]
    public async Task SendAsync_AnIdLongerThanServiceBusTakes_GoesAsItsHash_TheSameIdTheSameHash()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        var id = new string('x', 600);

        await connector.Sender.SendAsync(Queue, [new OutboundMessage(id, "user-login", "{\"n\":1}"u8.ToArray())], CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(!_queue.Arrived.IsEmpty), Patience, "the message");
        var arrived = _queue.Arrived.First();
        Assert.Equal(ServiceBusQueueSender.MessageIdOf(id), arrived.MessageId);
        Assert.StartsWith("sha256:", arrived.MessageId, StringComparison.Ordinal);
        Assert.True(arrived.MessageId!.Length <= 128);
        Assert.Equal(arrived.MessageId, ServiceBusQueueSender.MessageIdOf(new string('x', 600)));
    }

    [Fact]
    public async Task Abandon_RedeliversWithDeliveryCountPlusOne_ThenDeadLettersAtTheMaximum()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        await connector.Sender.SendAsync(Queue, [new OutboundMessage("flaky", "user-login", "{}"u8.ToArray())], CancellationToken.None);

        await using var run = new ListenerRun(connector.Listener, Queue, _ => Task.FromResult(Settlement.Abandon("HubSpotBusy")));

        await Eventually.TrueAsync(() => Task.FromResult(!_queue.DeadLetters!.Arrived.IsEmpty), Patience, "the message in the dead-letter queue");
        Assert.Equal([0, 1, 2], run.Deliveries.Select(d => d.DeliveryCount));
        Assert.Equal(["modified", "modified", "modified"], _queue.Settlements.Select(s => s.Outcome));
        Assert.Equal(0, _queue.LockLostSettlements);
        var deadLetter = Assert.Single(_queue.DeadLetters!.Arrived);
        Assert.Equal(("flaky", "MaxDeliveryCountExceeded"), (deadLetter.MessageId, deadLetter.Sent.ApplicationProperties["DeadLetterReason"] as string));
    }

    [Fact]
    public async Task DeadLetter_MovesTheMessageToTheDeadLetterQueueWithItsReasonAndDescription()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        await connector.Sender.SendAsync(Queue, [new OutboundMessage("bad", "transactional_email", "{}"u8.ToArray())], CancellationToken.None);

        await using var run = new ListenerRun(connector.Listener, Queue,
            _ => Task.FromResult(Settlement.DeadLetter("UnknownTemplate", "No template 'welcome'.")));

        await Eventually.TrueAsync(() => Task.FromResult(!_queue.DeadLetters!.Arrived.IsEmpty), Patience, "the message in the dead-letter queue");
        var deadLetter = Assert.Single(_queue.DeadLetters!.Arrived);
        Assert.Equal(
            ("bad", "UnknownTemplate", "No template 'welcome'."),
            (deadLetter.MessageId, deadLetter.Sent.ApplicationProperties?["DeadLetterReason"] as string,
                deadLetter.Sent.ApplicationProperties?["DeadLetterErrorDescription"] as string));
        Assert.Equal([("bad", "rejected")], _queue.Settlements);
        Assert.Single(run.Deliveries);
    }

    [Fact]
    public async Task HandlerSlowerThanTheLock_KeepsItsLockByRenewal_AndSettlesOnce()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        await connector.Sender.SendAsync(Queue, [new OutboundMessage("slow", null, "{}"u8.ToArray())], CancellationToken.None);

        // The lock lasts 2 s; the handler takes three times as long.
        await using var run = new ListenerRun(connector.Listener, Queue, async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(6));
            return Settlement.Complete;
        });

        await Eventually.TrueAsync(() => Task.FromResult(_queue.Completed.Count == 1), Patience, "the slow message completed");
        Assert.Single(run.Deliveries);
        Assert.True(_queue.Renewals >= 2, $"renewals: {_queue.Renewals}");
        Assert.Equal(0, _queue.LockLostSettlements);
        Assert.Equal([("slow", "accepted")], _queue.Settlements);
        Assert.Contains("orders/$management com.microsoft:renew-lock", _serviceBus.Traffic.Kinds());
    }

    [Fact]
    public async Task ConnectionDroppedMidReceive_TheClientRecovers_NothingLost_NothingSettledTwice()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        var ids = Enumerable.Range(0, 10).Select(i => $"d{i}").ToList();
        await connector.Sender.SendAsync(Queue, ids.Select(id => new OutboundMessage(id, null, "{}"u8.ToArray())).ToList(), CancellationToken.None);
        var firstHandled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var run = new ListenerRun(connector.Listener, Queue, async _ =>
        {
            firstHandled.TrySetResult();
            await Task.Delay(300);
            return Settlement.Complete;
        });
        await firstHandled.Task.WaitAsync(Patience);
        await _serviceBus.DropConnectionsAsync();

        await Eventually.TrueAsync(() => Task.FromResult(_queue.Completed.Count >= ids.Count), Patience, "every message completed");
        Assert.Equal(ids.Order(), _queue.Completed.Select(m => m.MessageId!).Order());
        Assert.Equal(ids.Count, _queue.Settlements.Count(s => s.Outcome == "accepted"));
        Assert.Contains("connection dropped by the double", _serviceBus.Traffic.Kinds());
        Assert.Equal(ids.Order(), run.Deliveries.Select(d => d.MessageId!).Distinct().Order());
    }

    [Fact]
    public async Task SendAsync_MoreThanOneBatchHolds_SplitsIntoFullBatches_AndSendsEveryMessage()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        // 60 KB each: four fit in the double's 256 KB, so ten make three batches.
        var messages = Enumerable.Range(0, 10).Select(i => new OutboundMessage($"big{i}", null, new byte[60 * 1024])).ToList();

        await connector.Sender.SendAsync(Queue, messages, CancellationToken.None);

        Assert.Equal(messages.Select(m => m.MessageId), _queue.Arrived.Select(m => m.MessageId));
        Assert.Equal(3, _serviceBus.Traffic.Count("transfer to orders: batch (format 0x80013700)"));
    }

    [Fact]
    public async Task ReceiveGate_Closed_NothingIsReceived_UntilItOpens()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        var gate = connector.Get<ReceiveGate>();
        gate.Close("HubSpot lane stopped: test");
        await connector.Sender.SendAsync(Queue, [new OutboundMessage("gated", null, "{}"u8.ToArray())], CancellationToken.None);

        await using var run = new ListenerRun(connector.Listener, Queue, _ => Task.FromResult(Settlement.Complete));
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(run.Deliveries);
        Assert.DoesNotContain(_serviceBus.Traffic.Kinds(), k => k.StartsWith("attach receiver from orders", StringComparison.Ordinal));

        gate.Open();

        await Eventually.TrueAsync(() => Task.FromResult(_queue.Completed.Count == 1), Patience, "the message completed once the gate opened");
        Assert.Single(run.Deliveries);
    }

    [Fact]
    public async Task ReceiveGate_ClosedWhileReceiving_TheHandlerInHandSettles_ThenReceivingStops()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue], maxConcurrentCalls: 1);
        var gate = connector.Get<ReceiveGate>();
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await connector.Sender.SendAsync(Queue, [new OutboundMessage("first", null, "{}"u8.ToArray())], CancellationToken.None);

        await using var run = new ListenerRun(connector.Listener, Queue, async _ =>
        {
            inHandler.TrySetResult();
            await Task.Delay(500);
            return Settlement.Complete;
        });
        await inHandler.Task.WaitAsync(Patience);
        gate.Close("HubSpot lane stopped: test");
        await connector.Sender.SendAsync(Queue, [new OutboundMessage("second", null, "{}"u8.ToArray())], CancellationToken.None);

        await Eventually.TrueAsync(() => Task.FromResult(_queue.Completed.Count == 1), Patience, "the first message completed");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(["first"], run.Deliveries.Select(d => d.MessageId));
        var report = await connector.ReadinessAsync();
        Assert.Contains("orders: receiving paused: HubSpot lane stopped: test", report.Entries["servicebus"].Description, StringComparison.Ordinal);
    }
}
