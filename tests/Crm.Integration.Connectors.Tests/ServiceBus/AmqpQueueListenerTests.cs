using System.Text;
using Amqp;
using Amqp.Framing;
using Amqp.Types;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

[Collection(SharedStackCollection.Name)]
public sealed class AmqpQueueListenerTests(SharedStackFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RunAsync_Complete_EachMessageHandledOnceAndRemoved()
    {
        await using var raw = await ClearedAsync("test-complete");
        await using var connector = new ServiceBusConnector(fixture.Stack);
        await connector.Sender.SendAsync("test-complete", Messages(25), CancellationToken.None);

        await using (var run = new ListenerRun(connector.Listener, "test-complete", _ => Task.FromResult(Settlement.Complete)))
        {
            await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Count >= 25), Patience, "25 deliveries");
            await Task.Delay(300);
            Assert.Equal(25, run.Deliveries.Select(d => d.MessageId).Distinct().Count());
            Assert.Equal(25, run.Deliveries.Count);
            Assert.All(run.Deliveries, d => Assert.Equal(0, d.DeliveryCount));
        }

        Assert.Empty(await raw.DrainAsync("test-complete", TimeSpan.FromMilliseconds(300)));
    }

    /// <summary>
    /// Regression: with credit restored at half the window, RabbitMQ 3.10 sent more deliveries than the link's credit,
    /// the link detached and in-flight messages came again with a raised delivery count.
    /// </summary>
    [Fact]
    public async Task RunAsync_CreditRestoredUnderLoad_BrokerNeverOvershoots_NoMessageComesTwice()
    {
        await using var raw = await ClearedAsync("test-complete");
        await using var connector = new ServiceBusConnector(fixture.Stack, maxConcurrentCalls: 8, prefetchCount: 0);
        await connector.Sender.SendAsync("test-complete", Messages(3000, "load"), CancellationToken.None);

        await using var run = new ListenerRun(connector.Listener, "test-complete", _ => Task.FromResult(Settlement.Complete));

        await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Count >= 3000), TimeSpan.FromSeconds(60), "3000 deliveries");
        await Task.Delay(300);
        Assert.Equal(3000, run.Deliveries.Count);
        Assert.All(run.Deliveries, d => Assert.Equal(0, d.DeliveryCount));
    }

    /// <summary>
    /// Issue 14, defect 6: an ordinary stop logged "Receiver link for … lost: (null) (null)" for each link and
    /// "Connection to the broker … closed: (null) (null)", so a clean shutdown read like a fault.
    /// </summary>
    [Fact]
    public async Task Stop_AfterReceiving_LogsNoWarning_OnlyThatItStopped()
    {
        await using var raw = await ClearedAsync("test-complete");
        using var logs = new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider();
        await using (var connector = new ServiceBusConnector(fixture.Stack, logs: logs))
        {
            await connector.Sender.SendAsync("test-complete", Messages(3, "stop"), CancellationToken.None);
            await using var run = new ListenerRun(connector.Listener, "test-complete", _ => Task.FromResult(Settlement.Complete));
            await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Count >= 3), Patience, "3 deliveries");
        }

        var records = logs.Collector.GetSnapshot();
        Assert.Empty(records.Where(r => r.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(r => r.Message));
        Assert.Contains(records, r => r.Message.Contains("stopped: the host is stopping", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_DeadLetter_MovesTheMessageToTheDeadLetterQueueAtOnce()
    {
        await using var raw = await ClearedAsync("test-deadletter", "test-deadletter.dlq");
        await using var connector = new ServiceBusConnector(fixture.Stack);
        await connector.Sender.SendAsync("test-deadletter", Messages(1, "poison"), CancellationToken.None);

        await using (var run = new ListenerRun(connector.Listener, "test-deadletter", _ => Task.FromResult(Settlement.DeadLetter("Bad", "cannot ever work"))))
        {
            var dead = await raw.WaitForAsync("test-deadletter.dlq", m => "poison-0".Equals(m.Properties.MessageId), Patience);
            Assert.NotNull(dead);
            Assert.Single(run.Deliveries);
        }
    }

    [Fact]
    public async Task RunAsync_Abandon_RedeliversCountingDeliveries_ThenTheBrokerDeadLettersAtTheLimit()
    {
        await using var raw = await ClearedAsync("test-limit", "test-limit.dlq");
        await using var connector = new ServiceBusConnector(fixture.Stack);
        await connector.Sender.SendAsync("test-limit", Messages(1, "flaky"), CancellationToken.None);

        await using (var run = new ListenerRun(connector.Listener, "test-limit", _ => Task.FromResult(Settlement.Abandon("try later"))))
        {
            var dead = await raw.WaitForAsync("test-limit.dlq", m => "flaky-0".Equals(m.Properties.MessageId), Patience);
            Assert.NotNull(dead);
            var counts = run.Deliveries.Select(d => d.DeliveryCount).ToList();
            Assert.True(counts.Count >= 3, $"delivered {counts.Count} times");
            Assert.Equal(0, counts[0]);
            Assert.All(counts.Skip(1), c => Assert.True(c >= 1));
        }
    }

    [Fact]
    public async Task RunAsync_HandlerThrows_MessageIsAbandonedAndComesAgain()
    {
        await using var raw = await ClearedAsync("test-abandon");
        await using var connector = new ServiceBusConnector(fixture.Stack);
        await connector.Sender.SendAsync("test-abandon", Messages(1, "boom"), CancellationToken.None);
        var calls = 0;

        await using var run = new ListenerRun(connector.Listener, "test-abandon", _ =>
            Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException("first try fails") : Task.FromResult(Settlement.Complete));

        await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Count >= 2), Patience, "a second delivery");
        Assert.True(run.Deliveries.Last().DeliveryCount >= 1);
    }

    [Fact]
    public async Task RunAsync_NeverRunsMoreHandlersAtOnceThanMaxConcurrentCalls()
    {
        await using var raw = await ClearedAsync("test-complete");
        await using var connector = new ServiceBusConnector(fixture.Stack, maxConcurrentCalls: 4, prefetchCount: 4);
        await connector.Sender.SendAsync("test-complete", Messages(40), CancellationToken.None);
        var running = 0;
        var peak = 0;

        await using var run = new ListenerRun(connector.Listener, "test-complete", async _ =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await Task.Delay(40);
            Interlocked.Decrement(ref running);
            return Settlement.Complete;
        });

        await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Count >= 40), Patience, "40 deliveries");
        Assert.Equal(4, peak);
    }

    [Fact]
    public async Task RunAsync_BodiesFromOtherClients_AreReadAsTheirBytes_UnreadableOnesDeadLettered()
    {
        await using var raw = await ClearedAsync("test-bodies", "test-bodies.dlq");
        const string json = """{"type":"task_signup"}""";
        await raw.SendAsync("test-bodies", With("value-string", new AmqpValue { Value = json }));
        await raw.SendAsync("test-bodies", With("value-binary", new AmqpValue { Value = Encoding.UTF8.GetBytes(json) }));
        await raw.SendAsync("test-bodies", With("data", new Data { Binary = Encoding.UTF8.GetBytes(json) }));
        await raw.SendAsync("test-bodies", With("sequence", new AmqpSequence { List = new List<object> { 1, 2 } }));
        await using var connector = new ServiceBusConnector(fixture.Stack);

        await using (var run = new ListenerRun(connector.Listener, "test-bodies", _ => Task.FromResult(Settlement.Complete)))
        {
            await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Count >= 3), Patience, "3 readable deliveries");
            Assert.All(run.Deliveries, d => Assert.Equal(json, Encoding.UTF8.GetString(d.Body.Span)));
            Assert.Equal(["data", "value-binary", "value-string"], run.Deliveries.Select(d => d.MessageId).Order());
            Assert.NotNull(await raw.WaitForAsync("test-bodies.dlq", m => "sequence".Equals(m.Properties.MessageId), Patience));
        }
    }

    /// <remarks>
    /// RabbitMQ 3.10 accepts a sender's attach and even its messages for a missing <c>/amq/queue/X</c>, then closes the
    /// session (Service Bus refuses the attach). The receiver's attach fails, so readiness is where a wrong address shows.
    /// </remarks>
    [Fact]
    public async Task RunAsync_EntityTheBrokerDoesNotHave_MakesReadinessFailNamingIt()
    {
        await using var connector = new ServiceBusConnector(fixture.Stack);
        var health = connector.Get<HealthCheckService>();

        await using var run = new ListenerRun(connector.Listener, "missing", _ => Task.FromResult(Settlement.Complete));

        var report = await Eventually.GetAsync(
            async () => await health.CheckHealthAsync() is { Status: HealthStatus.Unhealthy } r ? r : null, Patience, "readiness to fail");
        Assert.Contains("missing:", report.Entries["servicebus"].Description, StringComparison.Ordinal);
        Assert.Contains("not-found", report.Entries["servicebus"].Description, StringComparison.Ordinal);
    }

    private async Task<RawAmqp> ClearedAsync(params string[] queues)
    {
        var raw = await RawAmqp.ConnectAsync(fixture.Stack);
        foreach (var queue in queues)
        {
            await raw.DrainAsync(queue, TimeSpan.FromMilliseconds(200));
        }

        return raw;
    }

    private static List<OutboundMessage> Messages(int count, string prefix = "m") =>
        Enumerable.Range(0, count).Select(i => new OutboundMessage($"{prefix}-{i}", "test", Encoding.UTF8.GetBytes($"{{\"n\":{i}}}"))).ToList();

    private static Message With(string id, RestrictedDescribed body) => new()
    {
        Properties = new Properties { MessageId = id },
        BodySection = body,
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
