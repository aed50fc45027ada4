using System.Text;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Crm.Integration.Testing.ServiceBusDouble;

namespace Crm.Integration.Connectors.Tests.ServiceBus.AzureSdk;

/// <summary>
/// The <c>$deadletterqueue</c> through Microsoft's client against the double: a peek (<c>com.microsoft:peek-message</c>)
/// leaves it as it was, a replay moves exactly the chosen messages back with their id and properties, a dry run changes nothing.
/// </summary>
public sealed class SdkDeadLettersTests : IAsyncLifetime
{
    private const string Queue = "orders";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset ReplayedAt = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private ServiceBusDouble _serviceBus = null!;
    private DoubleQueue _queue = null!;
    private SdkConnector _connector = null!;

    private DoubleQueue DeadLetterQueue => _queue.DeadLetters!;

    private IDeadLetters DeadLetters => _connector.Get<IDeadLetters>();

    public async Task InitializeAsync()
    {
        _serviceBus = ServiceBusDouble.Start(lockDuration: TimeSpan.FromSeconds(30), maxDeliveryCount: 3);
        _queue = _serviceBus.AddEntity(Queue);
        // One handler at a time: the dead-letter queue then holds the messages in the order they were sent.
        _connector = new SdkConnector(_serviceBus, [Queue], maxConcurrentCalls: 1);
        await DeadLetterThroughTheListenerAsync(("m1", "UndeclaredProperty"), ("m2", "UnknownTemplate"), ("m3", "UndeclaredProperty"));
    }

    public async Task DisposeAsync()
    {
        await _connector.DisposeAsync();
        Console.WriteLine($"Service Bus double saw:{Environment.NewLine}{string.Join(Environment.NewLine, _serviceBus.Traffic.Kinds())}");
        await _serviceBus.DisposeAsync();
    }

    [Fact]
    public async Task PeekAsync_ReadsReasonsAndSequenceNumbers_AndLeavesTheDeadLetterQueueAsItWas()
    {
        var letters = await DeadLetters.PeekAsync(Queue, after: null, max: 10, CancellationToken.None);

        Assert.Equal(["m1", "m2", "m3"], letters.Select(l => l.MessageId));
        var m2 = letters[1];
        Assert.Equal((Queue, "UnknownTemplate", "why m2", "transactional_email", 0), (m2.Entity, m2.Reason, m2.Description, m2.Subject, m2.DeliveryCount));
        Assert.Equal(DeadLetterQueue.Present[1].SequenceNumber, m2.Position);
        Assert.NotNull(m2.EnqueuedTime);
        Assert.Equal("""{"n":"m2"}""", Encoding.UTF8.GetString(m2.Body.Span));
        Assert.Equal(3, DeadLetterQueue.Present.Count);
        Assert.Empty(DeadLetterQueue.Settlements);
        Assert.All(DeadLetterQueue.Present, m => Assert.Equal(0, m.FailedDeliveries));
        Assert.Contains(_serviceBus.Traffic.Kinds(), k => k.StartsWith($"{Queue}/$deadletterqueue/$management com.microsoft:peek-message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PeekAsync_Pages_FromTheSequenceNumberAfterTheLastOneSeen()
    {
        var page1 = await DeadLetters.PeekAsync(Queue, after: null, max: 2, CancellationToken.None);
        var page2 = await DeadLetters.PeekAsync(Queue, after: page1[^1].Position, max: 2, CancellationToken.None);

        Assert.Equal(["m1", "m2"], page1.Select(l => l.MessageId));
        Assert.Equal(["m3"], page2.Select(l => l.MessageId));
    }

    [Fact]
    public async Task ReplayAsync_ByReason_SendsExactlyTheMatchingOnesBack_ThenRemovesThem()
    {
        var replay = await DeadLetters.ReplayAsync(Queue, Reason("UndeclaredProperty"), dryRun: false, ReplayedAt, CancellationToken.None);

        Assert.Equal(["m1", "m3"], replay.Replayed);
        Assert.Null(replay.Failure);
        Assert.Equal(["m2"], DeadLetterQueue.Present.Select(m => m.MessageId));
        // Received on the way to m3 and given back: still there, its delivery count one higher (Service Bus counts every ended lock).
        Assert.Equal(1, DeadLetterQueue.Present[0].FailedDeliveries);
        Assert.Equal(["m1", "m3"], DeadLetterQueue.Completed.Select(m => m.MessageId));
        var back = _queue.Present;
        Assert.Equal(["m1", "m3"], back.Select(m => m.MessageId));
        var m1 = back[0].Sent;
        Assert.Equal(("transactional_email", "application/json"), (m1.Properties.Subject, m1.Properties.ContentType.ToString()));
        Assert.Equal("""{"n":"m1"}""", Encoding.UTF8.GetString(((Amqp.Framing.Data)m1.BodySection).Binary));
        Assert.Equal("kept", m1.ApplicationProperties["crm-note"]);
        Assert.False(m1.ApplicationProperties.Map.ContainsKey("DeadLetterReason"));
        Assert.False(m1.ApplicationProperties.Map.ContainsKey("DeadLetterErrorDescription"));
        Assert.Equal(ReplayedAt, ReplayMarker.Read(m1.ApplicationProperties[ReplayMarker.PropertyName]));
    }

    [Fact]
    public async Task ReplayAsync_DryRun_ReportsTheMatches_AndChangesNothing()
    {
        var replay = await DeadLetters.ReplayAsync(Queue, Reason("UndeclaredProperty"), dryRun: true, ReplayedAt, CancellationToken.None);

        Assert.Equal(["m1", "m3"], replay.Matched.Select(l => l.MessageId));
        Assert.Empty(replay.Replayed);
        Assert.Equal(["m1", "m2", "m3"], DeadLetterQueue.Present.Select(m => m.MessageId));
        Assert.Empty(DeadLetterQueue.Settlements);
        Assert.Empty(_queue.Present);
    }

    [Fact]
    public async Task ReplayAsync_TheReplayedMessage_ReachesTheListenerMarkedAsReplayed()
    {
        await DeadLetters.ReplayAsync(Queue, Reason("UnknownTemplate"), dryRun: false, ReplayedAt, CancellationToken.None);
        await using var run = new ListenerRun(_connector.Listener, Queue, _ => Task.FromResult(Settlement.Complete));

        await Eventually.TrueAsync(() => Task.FromResult(!run.Deliveries.IsEmpty), Patience, "the replayed message delivered");
        var delivered = Assert.Single(run.Deliveries);
        Assert.Equal(("m2", ReplayedAt, 0), (delivered.MessageId, delivered.ReplayedAt, delivered.DeliveryCount));
    }

    private static DeadLetterFilter Reason(string reason) => (letter, _) => ValueTask.FromResult(letter.Reason == reason);

    /// <summary>Sends the messages and lets the hub's listener dead-letter each with its reason, as the hub does.</summary>
    private async Task DeadLetterThroughTheListenerAsync(params (string Id, string Reason)[] messages)
    {
        foreach (var (id, _) in messages)
        {
            var message = new Amqp.Message
            {
                Header = new Amqp.Framing.Header { Durable = true },
                Properties = new Amqp.Framing.Properties { MessageId = id, Subject = "transactional_email", ContentType = "application/json" },
                ApplicationProperties = new Amqp.Framing.ApplicationProperties { ["crm-note"] = "kept" },
                BodySection = new Amqp.Framing.Data { Binary = Encoding.UTF8.GetBytes($$"""{"n":"{{id}}"}""") },
            };
            _queue.Enqueue(message);
        }

        var reasons = messages.ToDictionary(m => m.Id, m => m.Reason);
        await using var run = new ListenerRun(_connector.Listener, Queue, m => Task.FromResult(Settlement.DeadLetter(reasons[m.MessageId!], $"why {m.MessageId}")));
        await Eventually.TrueAsync(() => Task.FromResult(DeadLetterQueue.Present.Count == messages.Length), Patience, "every message dead-lettered");
    }
}
