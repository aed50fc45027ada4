using Crm.Integration.Connectors.ServiceBus;

namespace Crm.Integration.Testing.Fakes;

/// <summary>For triggers whose message handling is called directly by a test: the listener never delivers anything.</summary>
public sealed class UnusedQueueListener : IQueueListener
{
    public Task RunAsync(string entity, QueueMessageHandler handler, CancellationToken stoppingToken) => Task.CompletedTask;
}
