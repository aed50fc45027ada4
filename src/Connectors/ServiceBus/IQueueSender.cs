namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Puts messages on a queue durably.</summary>
public interface IQueueSender
{
    /// <summary>
    /// Sends every message and returns only when the broker has accepted each one, so that the caller may acknowledge
    /// its own sender. Throws <see cref="QueueUnavailableException"/> when any message was not accepted.
    /// </summary>
    Task SendAsync(string entity, IReadOnlyCollection<OutboundMessage> messages, CancellationToken cancellationToken);
}
