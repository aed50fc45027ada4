using System.Collections.Concurrent;
using Crm.Integration.Connectors.ServiceBus;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

/// <summary>A listener running in the background with a handler that records every delivery it sees.</summary>
internal sealed class ListenerRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _run;

    public ListenerRun(IQueueListener listener, string entity, Func<InboundMessage, Task<Settlement>> handler)
    {
        _run = listener.RunAsync(entity, async (message, _) =>
        {
            Deliveries.Enqueue(message);
            return await handler(message);
        }, _stop.Token);
    }

    public ConcurrentQueue<InboundMessage> Deliveries { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TimeSpan.FromSeconds(40));
        _stop.Dispose();
    }
}
