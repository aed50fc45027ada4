using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// How to reach the broker: Azure Service Bus through Microsoft's client in production
/// (<see cref="ServiceBusTransport.AzureServiceBus"/>), the local RabbitMQ node through the AMQP 1.0 client in development
/// and tests (<see cref="ServiceBusTransport.Amqp"/>). Bound from the <c>ServiceBus</c> configuration section.
/// </summary>
public sealed class ServiceBusOptions
{
    public const string SectionName = "ServiceBus";

    /// <summary>Which client speaks to the broker; <see cref="ServiceBusTransport.Amqp"/> unless set.</summary>
    public ServiceBusTransport Transport { get; set; } = ServiceBusTransport.Amqp;

    /// <summary>
    /// Azure transport: the namespace, e.g. <c>mynamespace.servicebus.windows.net</c>, reached with the host's token
    /// credential (managed identity in Azure, <c>DefaultAzureCredential</c> elsewhere). Used when
    /// <see cref="ConnectionString"/> is empty.
    /// </summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>
    /// Azure transport: a Service Bus connection string (shared access key). Wins over
    /// <see cref="FullyQualifiedNamespace"/>; <c>UseDevelopmentEmulator=true</c> in it connects without TLS to a local endpoint.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>AMQP transport: the broker's host name, e.g. <c>127.0.0.1</c>. No default: a host without it does not
    /// start, instead of quietly looking for a broker on localhost (required for that transport only).</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>AMQP port: 5671 with TLS (Service Bus), 5672 without.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>Use amqps (TLS). Service Bus requires it.</summary>
    public bool UseTls { get; set; }

    /// <summary>AMQP transport: SASL PLAIN user name (guest on the local RabbitMQ).</summary>
    public string KeyName { get; set; } = string.Empty;

    /// <summary>AMQP transport: SASL PLAIN password.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>
    /// Logical entity name → broker address. On Service Bus the address is the queue name (or
    /// <c>topic/Subscriptions/sub</c>); on RabbitMQ it is <c>/amq/queue/&lt;name&gt;</c>, which uses the pre-declared
    /// quorum queue instead of declaring one.
    /// </summary>
    [Required]
    [MinLength(1)]
    public Dictionary<string, string> Entities { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a send waits for the broker to settle each message.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long opening a connection may take before it counts as a failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay before reconnecting after a lost connection or link; doubles up to <see cref="MaxReconnectDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The address configured for a logical entity, or a clear error naming the missing setting.</summary>
    public string AddressOf(string entity) =>
        Entities.TryGetValue(entity, out var address) && !string.IsNullOrWhiteSpace(address)
            ? address
            : throw new InvalidOperationException($"No address is configured for entity '{entity}' (setting {SectionName}:Entities:{entity}).");
}
