namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>The broker could not be reached or did not accept a message; the caller should report "try again later".</summary>
public sealed class QueueUnavailableException : Exception
{
    public QueueUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    public QueueUnavailableException()
    {
    }

    public QueueUnavailableException(string message)
        : base(message)
    {
    }
}
