using System.Text;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Auth0Events;

/// <summary>From queue message to settlement: the handler's decisions and the failure policy together.</summary>
public sealed class Auth0EventsTriggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);
    private readonly InMemoryLedger _ledger = new();
    private readonly Auth0EventsTrigger _trigger;

    public Auth0EventsTriggerTests()
    {
        var handler = new Auth0LogEventHandler(_ledger, new FakeTimeProvider(Now), NullLogger<Auth0LogEventHandler>.Instance);
        _trigger = new Auth0EventsTrigger(new UnusedListener(), handler, NullLogger<Auth0EventsTrigger>.Instance);
    }

    [Theory]
    [InlineData("s", "user-login")]
    [InlineData("ss", "user-registration")]
    public async Task HandleMessage_FirstDelivery_CompletesAndRecordsReceived(string logType, string notificationType)
    {
        var settlement = await HandleAsync($$$"""{"log_id":"900","data":{"type":"{{{logType}}}","user_name":"a@b.c"}}""");

        Assert.Equal(SettlementKind.Complete, settlement.Kind);
        var row = Assert.Single(_ledger.Rows);
        Assert.Equal(("900", "auth0", notificationType, NotificationStatus.Received, Now, 1, 0), (row.SourceId, row.Channel, row.Type, row.Status, row.ReceivedAt, row.Attempts, row.DuplicatesSeen));
    }

    [Fact]
    public async Task HandleMessage_SameLogIdAgain_CompletesAsDuplicateWithOneRow()
    {
        const string body = """{"log_id":"901","data":{"type":"s"}}""";

        await HandleAsync(body);
        var again = await HandleAsync(body);

        Assert.Equal(SettlementKind.Complete, again.Kind);
        var row = Assert.Single(_ledger.Rows);
        Assert.Equal(1, row.DuplicatesSeen);
    }

    [Theory]
    [InlineData("{not json", "MalformedEvent")]
    [InlineData("null", "MalformedEvent")]
    [InlineData("""{"log_id":"1","data":{"type":42}}""", "MalformedEvent")]
    [InlineData("""{"data":{"type":"s"}}""", "MissingIdentity")]
    [InlineData("""{"log_id":"1"}""", "MissingIdentity")]
    [InlineData("""{"log_id":"902","data":{"type":"slo"}}""", "UnsupportedLogType")]
    public async Task HandleMessage_EventThatCanNeverSucceed_IsDeadLetteredWithReason(string body, string reason)
    {
        var settlement = await HandleAsync(body);

        Assert.Equal(SettlementKind.DeadLetter, settlement.Kind);
        Assert.Equal(reason, settlement.Reason);
        Assert.False(string.IsNullOrWhiteSpace(settlement.Description));
    }

    [Fact]
    public async Task HandleMessage_UnsupportedType_IsRecordedAsRejected()
    {
        await HandleAsync("""{"log_id":"903","data":{"type":"slo"}}""");

        var row = Assert.Single(_ledger.Rows);
        Assert.Equal(NotificationStatus.Rejected, row.Status);
        Assert.Contains("'slo' has no handler", row.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleMessage_StorageDown_Throws_SoTheListenerAbandonsIt()
    {
        _ledger.FailWith = new StorageUnavailableException("down (test)");

        await Assert.ThrowsAsync<StorageUnavailableException>(() => HandleAsync("""{"log_id":"904","data":{"type":"s"}}"""));
    }

    private Task<Settlement> HandleAsync(string body) =>
        _trigger.HandleMessageAsync(new InboundMessage("id", "s", "application/json", Encoding.UTF8.GetBytes(body), 0), CancellationToken.None);

    private sealed class UnusedListener : IQueueListener
    {
        public Task RunAsync(string entity, QueueMessageHandler handler, CancellationToken stoppingToken) => Task.CompletedTask;
    }
}
