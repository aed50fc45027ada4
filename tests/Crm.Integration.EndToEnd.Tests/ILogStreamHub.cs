using Amqp;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>What the log-stream suite needs of a running hub, whichever broker and transport it runs on.</summary>
public interface ILogStreamHub
{
    HttpClient Client { get; }

    INotificationLedger Ledger { get; }

    /// <summary>Puts a message on a queue past the hub, as another producer would.</summary>
    Task SendRawAsync(string queue, Message message);

    /// <summary>Whether a message with this id reached the queue's dead-letter queue.</summary>
    bool IsDeadLettered(string messageId);
}
