using System.Text;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

/// <summary>
/// Against a broker of this assembly's own (<see cref="TestStack.ConnectorsBroker"/>), which these tests cut off on
/// purpose. The tests run one after another (one collection) since they share that broker.
/// </summary>
[Collection(Name)]
public sealed class ReconnectionTests : IAsyncLifetime
{
    public const string Name = "connectors broker";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TestStack _stack = TestStack.ConnectorsBroker;

    public Task InitializeAsync() => _stack.UpAsync("rabbitmq");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Listener_AfterTheBrokerClosesItsConnection_ReconnectsAndGoesOn()
    {
        await using var connector = new ServiceBusConnector(_stack);
        await using var run = new ListenerRun(connector.Listener, "test-restart", _ => Task.FromResult(Settlement.Complete));
        await connector.Sender.SendAsync("test-restart", [Message("before")], CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Any(d => d.MessageId == "before")), Patience, "the first message");

        await _stack.KickAsync();
        await SendUntilAcceptedAsync(connector.Sender, Message("after"));

        await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Any(d => d.MessageId == "after")), Patience, "a message after the kick");
    }

    [Fact]
    public async Task SenderAndListener_AcrossABrokerRestart_RecoverWithoutBeingRebuilt()
    {
        await using var connector = new ServiceBusConnector(_stack);
        await using var run = new ListenerRun(connector.Listener, "test-restart", _ => Task.FromResult(Settlement.Complete));
        await connector.Sender.SendAsync("test-restart", [Message("first")], CancellationToken.None);
        await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Any(d => d.MessageId == "first")), Patience, "the first message");

        await _stack.DownAsync("rabbitmq");
        await Assert.ThrowsAsync<QueueUnavailableException>(
            () => connector.Sender.SendAsync("test-restart", [Message("while-down")], CancellationToken.None));
        var health = await connector.Get<HealthCheckService>().CheckHealthAsync(check => check.Name == "servicebus");
        Assert.Equal(HealthStatus.Unhealthy, health.Status);

        await _stack.UpAsync("rabbitmq");
        await SendUntilAcceptedAsync(connector.Sender, Message("second"));

        await Eventually.TrueAsync(() => Task.FromResult(run.Deliveries.Any(d => d.MessageId == "second")), Patience, "a message after the restart");
    }

    private static async Task SendUntilAcceptedAsync(IQueueSender sender, OutboundMessage message)
    {
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                await sender.SendAsync("test-restart", [message], CancellationToken.None);
                return true;
            }
            catch (QueueUnavailableException)
            {
                return false;
            }
        }, Patience, "the broker to accept a send again");
    }

    private static OutboundMessage Message(string id) => new(id, "test", Encoding.UTF8.GetBytes("{}"));
}

[CollectionDefinition(ReconnectionTests.Name, DisableParallelization = true)]
public sealed class ConnectorsBrokerCollection;
