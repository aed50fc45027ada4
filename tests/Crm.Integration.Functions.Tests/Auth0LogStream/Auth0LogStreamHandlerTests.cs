using System.Diagnostics.Metrics;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0LogStream;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Auth0LogStream;

public sealed class Auth0LogStreamHandlerTests : IDisposable
{
    private readonly RecordingQueueSender _queue = new();
    private readonly InMemoryLedger _ledger = new();
    private readonly ServiceProvider _metricsProvider = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly Auth0LogStreamHandler _handler;

    public Auth0LogStreamHandlerTests()
    {
        var options = new OptionsMonitorStub(new Auth0LogStreamOptions());
        _handler = new Auth0LogStreamHandler(
            _queue, _ledger, options, new Auth0LogStreamMetrics(_metricsProvider.GetRequiredService<IMeterFactory>()), new FakeTimeProvider(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Auth0LogStreamHandler>.Instance);
    }

    [Fact]
    public async Task HandleAsync_ForwardsConfiguredTypesWithIdSubjectAndOriginalBytes()
    {
        var login = Entry("100", "s", """{"log_id":"100","data":{"type":"s","user_name":"x@example.com"}}""");
        var batch = new Auth0LogBatch([login, Entry("101", "slo", "{}"), Entry("102", "ss", "{}")], []);

        var receipt = await _handler.HandleAsync(batch, CancellationToken.None);

        var sent = _queue.SentTo("auth0-log-events");
        Assert.Equal(["100", "102"], sent.Select(m => m.MessageId));
        Assert.Equal(["s", "ss"], sent.Select(m => m.Subject));
        Assert.All(sent, m => Assert.Equal("application/json", m.ContentType));
        Assert.Equal(login.Json.ToArray(), sent[0].Body.ToArray());
        Assert.Equal(new LogStreamReceipt(Received: 3, Forwarded: 2, Ignored: 1, Rejected: 0), receipt);
    }

    [Fact]
    public async Task HandleAsync_RejectedEntries_AreRecordedInTheLedgerWithTheirReason()
    {
        var batch = new Auth0LogBatch([Entry("1", "s", "{}")], [new RejectedLogEntry("sha256-abc", "s", "Entry 2 has no log_id.")]);

        var receipt = await _handler.HandleAsync(batch, CancellationToken.None);

        var row = Assert.Single(_ledger.Rows);
        Assert.Equal(("sha256-abc", "auth0", NotificationStatus.Rejected, "Entry 2 has no log_id."), (row.SourceId, row.Channel, row.Status, row.LastError));
        Assert.Equal(1, receipt.Rejected);
    }

    [Fact]
    public async Task HandleAsync_BrokerDown_ThrowsAndRecordsNothing()
    {
        _queue.Unavailable = true;
        var batch = new Auth0LogBatch([Entry("1", "s", "{}")], [new RejectedLogEntry("sha256-abc", null, "bad")]);

        await Assert.ThrowsAsync<QueueUnavailableException>(() => _handler.HandleAsync(batch, CancellationToken.None));

        Assert.Empty(_ledger.Rows);
    }

    [Fact]
    public async Task HandleAsync_StorageDownForRejections_Throws()
    {
        _ledger.FailWith = new StorageUnavailableException("down (test)");
        var batch = new Auth0LogBatch([], [new RejectedLogEntry("sha256-abc", null, "bad")]);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => _handler.HandleAsync(batch, CancellationToken.None));
    }

    /// <summary>
    /// Issue 14, defect 1: storage refusing a rejected entry's row (400) was answered 503, and Auth0 would resend the
    /// delivery, with its valid entries, forever. A refusal is permanent: the delivery is acknowledged, the events forwarded.
    /// </summary>
    [Fact]
    public async Task HandleAsync_StorageRefusesARejectionsRow_TheDeliveryIsStillAcknowledged()
    {
        _ledger.FailWith = new StorageRefusedException("400 InvalidInput (test)");
        var batch = new Auth0LogBatch([Entry("1", "s", "{}")], [new RejectedLogEntry("sha256-abc", null, "bad")]);

        var receipt = await _handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(new LogStreamReceipt(Received: 2, Forwarded: 1, Ignored: 0, Rejected: 1), receipt);
        Assert.Equal(["1"], _queue.SentTo("auth0-log-events").Select(m => m.MessageId));
    }

    public void Dispose() => _metricsProvider.Dispose();

    private static Auth0LogEntry Entry(string id, string type, string json) => new(id, type, System.Text.Encoding.UTF8.GetBytes(json));

    private sealed class OptionsMonitorStub(Auth0LogStreamOptions value) : IOptionsMonitor<Auth0LogStreamOptions>
    {
        public Auth0LogStreamOptions CurrentValue => value;

        public Auth0LogStreamOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<Auth0LogStreamOptions, string?> listener) => null;
    }
}
