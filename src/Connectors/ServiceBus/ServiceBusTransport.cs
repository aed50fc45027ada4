namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>How the hub speaks to its broker (setting <c>ServiceBus:Transport</c>).</summary>
public enum ServiceBusTransport
{
    /// <summary>
    /// The hub's own AMQP 1.0 client (AMQPNetLite, SASL PLAIN): the local RabbitMQ and any plain AMQP 1.0 broker. The
    /// default, so that a developer's machine works with no Azure setting.
    /// </summary>
    Amqp,

    /// <summary>
    /// Microsoft's client (<c>Azure.Messaging.ServiceBus</c>): Entra ID / managed identity or a connection string, lock
    /// renewal, confirmed settlement. The production choice.
    /// </summary>
    AzureServiceBus,
}
