using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Queue-trigger concurrency, read from <c>host.json</c> (<c>extensions.serviceBus</c>) with the meaning Azure Functions
/// gives it.
/// </summary>
public sealed class ServiceBusTriggerOptions
{
    /// <summary>The configuration path of host.json's <c>extensions.serviceBus</c> section once the host has loaded it.</summary>
    public const string SectionName = "AzureFunctionsJobHost:extensions:serviceBus";

    /// <summary>How many messages one trigger handles at once.</summary>
    [Range(1, 2000)]
    public int MaxConcurrentCalls { get; set; } = 16;

    /// <summary>
    /// Messages the broker may deliver ahead of a free handler. The link credit is
    /// <see cref="MaxConcurrentCalls"/> + <see cref="PrefetchCount"/>: every credited message is locked to this receiver.
    /// </summary>
    [Range(0, 5000)]
    public int PrefetchCount { get; set; }

    /// <summary>
    /// Azure transport: how long the client keeps renewing the lock of a message whose handler is still running
    /// (Functions' default, five minutes). The AMQP transport does not renew locks.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxAutoLockRenewalDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Receiver links per queue, sharing the handlers and the credit. A link's credit is restored only when its whole
    /// window is settled (see AmqpQueueListener); with two links one keeps delivering while the other's window drains,
    /// so batches gathered from many messages do not run dry at each window's end. Not part of host.json's schema;
    /// AMQP transport only.
    /// </summary>
    [Range(1, 16)]
    public int ReceiverLinks { get; set; } = 2;

    public int LinkCredit => MaxConcurrentCalls + PrefetchCount;

    /// <summary>The credit of each receiver link.</summary>
    public int CreditPerLink => Math.Max(1, LinkCredit / ReceiverLinks);
}
