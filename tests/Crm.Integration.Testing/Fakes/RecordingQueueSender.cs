using System.Collections.Concurrent;
using Crm.Integration.Connectors.ServiceBus;

namespace Crm.Integration.Testing.Fakes;

/// <summary>Keeps what was sent, per entity; or fails every send like a broker that is down.</summary>
public sealed class RecordingQueueSender : IQueueSender
{
    private readonly ConcurrentQueue<(string Entity, OutboundMessage Message)> _sent = new();

    public bool Unavailable { get; set; }

    public IReadOnlyList<OutboundMessage> SentTo(string entity) => _sent.Where(s => s.Entity == entity).Select(s => s.Message).ToList();

    public Task SendAsync(string entity, IReadOnlyCollection<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        if (Unavailable)
        {
            throw new QueueUnavailableException("The broker is down (test).");
        }

        foreach (var message in messages)
        {
            _sent.Enqueue((entity, message));
        }

        return Task.CompletedTask;
    }
}
