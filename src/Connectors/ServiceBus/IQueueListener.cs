namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Handles one received message and says how to settle it. Must be idempotent: a message can come again.</summary>
public delegate Task<Settlement> QueueMessageHandler(InboundMessage message, CancellationToken cancellationToken);

/// <summary>The queue trigger: receives in peek-lock mode and settles each message by its handler's verdict.</summary>
public interface IQueueListener
{
    /// <summary>
    /// Receives from <paramref name="entity"/> until <paramref name="stoppingToken"/> fires, reconnecting with backoff
    /// whenever the connection or link is lost. A handler that throws counts as <see cref="SettlementKind.Abandon"/>.
    /// </summary>
    Task RunAsync(string entity, QueueMessageHandler handler, CancellationToken stoppingToken);
}
