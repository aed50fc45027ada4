using Amqp.Framing;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

/// <summary>
/// The local broker's dead-letter queues (<c>test-deadletters.dlq</c>): a peek leaves them as they were, a replay moves
/// exactly the chosen messages back with their id, properties and body, a dry run changes nothing.
/// </summary>
[Collection(SharedStackCollection.Name)]
public sealed class AmqpDeadLettersTests(SharedStackFixture fixture) : IAsyncLifetime
{
    private const string Queue = "test-deadletters";
    private const string DeadLetterQueue = "test-deadletters.dlq";
    private static readonly DateTimeOffset ReplayedAt = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    private RawAmqp _raw = null!;
    private ServiceBusConnector _connector = null!;

    private IDeadLetters DeadLetters => _connector.Get<IDeadLetters>();

    public async Task InitializeAsync()
    {
        _raw = await RawAmqp.ConnectAsync(fixture.Stack);
        await _raw.DrainAsync(Queue, TimeSpan.FromMilliseconds(200));
        await _raw.DrainAsync(DeadLetterQueue, TimeSpan.FromMilliseconds(200));
        _connector = new ServiceBusConnector(fixture.Stack);
    }

    public async Task DisposeAsync()
    {
        await _connector.DisposeAsync();
        await _raw.DisposeAsync();
    }

    [Fact]
    public async Task PeekAsync_ListsInQueueOrder_AndLeavesTheDeadLetterQueueAsItWas()
    {
        await PutDeadLettersAsync("a", "b", "c");

        var first = await DeadLetters.PeekAsync(Queue, after: null, max: 10, CancellationToken.None);
        var again = await DeadLetters.PeekAsync(Queue, after: null, max: 10, CancellationToken.None);

        Assert.Equal(["a", "b", "c"], first.Select(l => l.MessageId));
        Assert.Equal(["a", "b", "c"], again.Select(l => l.MessageId));
        Assert.Equal([1L, 2L, 3L], first.Select(l => l.Position));
        var a = first[0];
        Assert.Equal((Queue, "transactional_email", "application/json", 0), (a.Entity, a.Subject, a.ContentType, a.DeliveryCount));
        Assert.Equal(("UndeclaredProperty", "'promo' is not declared"), (a.Reason, a.Description)); // read where a broker keeps them
        Assert.NotNull(a.EnqueuedTime);
        Assert.Equal("""{"n":"a"}""", System.Text.Encoding.UTF8.GetString(a.Body.Span));
        var left = await _raw.DrainAsync(DeadLetterQueue, Quiet);
        Assert.Equal(["a", "b", "c"], left.Select(m => m.Properties.MessageId));
        Assert.All(left, m => Assert.Equal("kept", m.ApplicationProperties["crm-note"]));
        Assert.Empty(await _raw.DrainAsync(Queue, Quiet));
    }

    [Fact]
    public async Task PeekAsync_Pages_AfterThePositionOfTheLastOneSeen()
    {
        await PutDeadLettersAsync("p1", "p2", "p3");

        var page1 = await DeadLetters.PeekAsync(Queue, after: null, max: 2, CancellationToken.None);
        var page2 = await DeadLetters.PeekAsync(Queue, after: page1[^1].Position, max: 2, CancellationToken.None);

        Assert.Equal(["p1", "p2"], page1.Select(l => l.MessageId));
        Assert.Equal(["p3"], page2.Select(l => l.MessageId));
    }

    [Fact]
    public async Task ReplayAsync_MovesExactlyTheMatchingOnes_WithIdSubjectContentTypeBodyAndProperties()
    {
        await PutDeadLettersAsync("r1", "r2", "r3");

        var replay = await DeadLetters.ReplayAsync(Queue, Ids("r1", "r3"), dryRun: false, ReplayedAt, CancellationToken.None);

        Assert.Equal(["r1", "r3"], replay.Matched.Select(l => l.MessageId));
        Assert.Equal(["r1", "r3"], replay.Replayed);
        Assert.Null(replay.Failure);
        var back = await _raw.DrainAsync(Queue, Quiet);
        Assert.Equal(["r1", "r3"], back.Select(m => m.Properties.MessageId));
        var r1 = back[0];
        Assert.Equal(("transactional_email", "application/json"), (r1.Properties.Subject, r1.Properties.ContentType.ToString()));
        Assert.Equal("""{"n":"r1"}"""u8.ToArray(), Assert.IsType<Data>(r1.BodySection).Binary);
        Assert.Equal("kept", r1.ApplicationProperties["crm-note"]);
        Assert.False(r1.ApplicationProperties.Map.ContainsKey("DeadLetterReason"));
        Assert.False(r1.ApplicationProperties.Map.ContainsKey("DeadLetterErrorDescription"));
        Assert.Equal(ReplayedAt, ReplayMarker.Read(r1.ApplicationProperties[ReplayMarker.PropertyName]));
        Assert.Equal(["r2"], (await _raw.DrainAsync(DeadLetterQueue, Quiet)).Select(m => m.Properties.MessageId));
    }

    [Fact]
    public async Task ReplayAsync_DryRun_ReportsTheMatches_AndChangesNothing()
    {
        await PutDeadLettersAsync("d1", "d2", "d3");

        var replay = await DeadLetters.ReplayAsync(Queue, Ids("d2", "d3"), dryRun: true, ReplayedAt, CancellationToken.None);

        Assert.Equal(["d2", "d3"], replay.Matched.Select(l => l.MessageId));
        Assert.Empty(replay.Replayed);
        Assert.Empty(await _raw.DrainAsync(Queue, Quiet));
        Assert.Equal(["d1", "d2", "d3"], (await _raw.DrainAsync(DeadLetterQueue, Quiet)).Select(m => m.Properties.MessageId));
    }

    [Fact]
    public async Task ReplayAsync_AMessageTheListenerDeadLetters_ComesBackMarkedAsReplayed()
    {
        await _raw.SendAsync(Queue, RawAmqp.JsonMessage("via-listener", "s", """{"n":1}"""u8.ToArray()));
        await using (var run = new ListenerRun(_connector.Listener, Queue, _ => Task.FromResult(Settlement.DeadLetter("NoEmail", "no email"))))
        {
            await Eventually.TrueAsync(async () => (await DeadLetters.PeekAsync(Queue, null, 10, CancellationToken.None)).Count == 1, TimeSpan.FromSeconds(20), "the message dead-lettered");
        }

        // RabbitMQ keeps neither the reject's reason nor an x-death header that an AMQP 1.0 client sees: the ledger knows the reason.
        var dead = Assert.Single(await DeadLetters.PeekAsync(Queue, null, 10, CancellationToken.None));
        Assert.Equal(("via-listener", null, 0), (dead.MessageId, dead.Reason, dead.DeliveryCount));

        await DeadLetters.ReplayAsync(Queue, Ids("via-listener"), dryRun: false, ReplayedAt, CancellationToken.None);
        await using var again = new ListenerRun(_connector.Listener, Queue, _ => Task.FromResult(Settlement.Complete));

        await Eventually.TrueAsync(() => Task.FromResult(!again.Deliveries.IsEmpty), TimeSpan.FromSeconds(20), "the replayed message delivered");
        var delivered = Assert.Single(again.Deliveries);
        Assert.Equal(("via-listener", ReplayedAt), (delivered.MessageId, delivered.ReplayedAt));
    }

    [Fact]
    public async Task PeekAsync_AnEntityWhoseDeadLetterQueueDoesNotExist_IsQueueUnavailable()
    {
        await Assert.ThrowsAsync<QueueUnavailableException>(() => DeadLetters.PeekAsync("missing", null, 10, CancellationToken.None));
    }

    private static DeadLetterFilter Ids(params string[] ids) => (letter, _) => ValueTask.FromResult(ids.Contains(letter.MessageId));

    /// <summary>Dead letters as a dead-lettering leaves them, with an application property of the sender's and Service Bus's reason properties.</summary>
    private async Task PutDeadLettersAsync(params string[] ids)
    {
        foreach (var id in ids)
        {
            var message = RawAmqp.JsonMessage(id, "transactional_email", System.Text.Encoding.UTF8.GetBytes($$"""{"n":"{{id}}"}"""));
            message.Properties.CreationTime = TimeProvider.System.GetUtcNow().UtcDateTime;
            message.ApplicationProperties = new ApplicationProperties
            {
                ["crm-note"] = "kept",
                ["DeadLetterReason"] = "UndeclaredProperty",
                ["DeadLetterErrorDescription"] = "'promo' is not declared",
            };
            await _raw.SendAsync(DeadLetterQueue, message);
        }
    }
}
