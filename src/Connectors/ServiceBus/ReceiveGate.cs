namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Lets the host stop taking messages while the work they need cannot be done (HubSpot will not issue tokens until the
/// app is re-authorised): closed, every queue listener finishes the messages in hand, detaches, and waits; the rest stay
/// on the queue instead of being received and abandoned until their delivery count sends them to the dead-letter queue.
/// </summary>
public sealed class ReceiveGate
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _opened = Opened();

    /// <summary>Why receiving is stopped, or null while it goes on.</summary>
    public string? ClosedBecause { get; private set; }

    public bool IsOpen => ClosedBecause is null;

    public void Close(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (_lock)
        {
            if (ClosedBecause is null)
            {
                _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            ClosedBecause = reason;
        }
    }

    public void Open()
    {
        lock (_lock)
        {
            ClosedBecause = null;
            _opened.TrySetResult();
        }
    }

    /// <summary>Completes at once while open; otherwise when the gate opens.</summary>
    public Task WaitOpenAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return _opened.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource Opened()
    {
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        opened.SetResult();
        return opened;
    }
}
