using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// How to reach the AMQP 1.0 broker: Azure Service Bus in production, the local RabbitMQ node in development and tests.
/// Bound from the <c>ServiceBus</c> configuration section.
/// </summary>
public sealed class ServiceBusOptions
{
    public const string SectionName = "ServiceBus";

    /// <summary>Broker host name, e.g. <c>mynamespace.servicebus.windows.net</c> or <c>127.0.0.1</c>. No default: a host
    /// without it does not start, instead of quietly looking for a broker on localhost.</summary>
    [Required(ErrorMessage = "ServiceBus:Host is not set (the broker's host name; 127.0.0.1 for the local RabbitMQ).")]
    public string Host { get; set; } = string.Empty;

    /// <summary>AMQP port: 5671 with TLS (Service Bus), 5672 without.</summary>
    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    /// <summary>Use amqps (TLS). Service Bus requires it.</summary>
    public bool UseTls { get; set; }

    /// <summary>SASL PLAIN user name: the shared access policy name on Service Bus.</summary>
    [Required(ErrorMessage = "ServiceBus:KeyName is not set (SASL user; guest on the local RabbitMQ).")]
    public string KeyName { get; set; } = string.Empty;

    /// <summary>SASL PLAIN password: the shared access key on Service Bus.</summary>
    [Required(ErrorMessage = "ServiceBus:Key is not set (SASL password; guest on the local RabbitMQ).")]
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
