using Amqp;
using System.Diagnostics;
using Amqp.Framing;

namespace Crm.Integration.Testing;

/// <summary>
/// A plain AMQPNetLite client, independent of the hub's connector, to put messages on queues and see what is on them
/// exactly as the broker holds them.
/// </summary>
public sealed class RawAmqp : IAsyncDisposable
{
    private readonly Connection _connection;
    private readonly Session _session;

    private RawAmqp(Connection connection)
    {
        _connection = connection;
        _session = new Session(connection);
    }

    public static async Task<RawAmqp> ConnectAsync(TestStack stack)
    {
        var address = new Address("127.0.0.1", stack.AmqpPort, "guest", "guest", "/", "amqp");
        return new RawAmqp(await new ConnectionFactory().CreateAsync(address));
    }

    public static string QueueAddress(string queue) => $"/amq/queue/{queue}";

    public async Task SendAsync(string queue, Message message)
    {
        var sender = new SenderLink(_session, $"test-sender-{Guid.NewGuid():N}", QueueAddress(queue));
        try
        {
            await sender.SendAsync(message);
        }
        finally
        {
            await CloseQuietlyAsync(sender);
        }
    }

    /// <summary>Accepts and returns what arrives until <paramref name="quiet"/> passes with nothing new.</summary>
    public async Task<IReadOnlyList<Message>> DrainAsync(string queue, TimeSpan quiet)
    {
        var receiver = new ReceiverLink(_session, $"test-receiver-{Guid.NewGuid():N}", QueueAddress(queue));
        var messages = new List<Message>();
        try
        {
            receiver.SetCredit(100);
            while (await receiver.ReceiveAsync(quiet) is { } message)
            {
                receiver.Accept(message);
                messages.Add(message);
            }
        }
        finally
        {
            await CloseQuietlyAsync(receiver);
        }

        return messages;
    }

    /// <summary>Receives until a message satisfies <paramref name="match"/> or the time is up; every message read is accepted.</summary>
    public async Task<Message?> WaitForAsync(string queue, Func<Message, bool> match, TimeSpan timeout)
    {
        var receiver = new ReceiverLink(_session, $"test-waiter-{Guid.NewGuid():N}", QueueAddress(queue));
        try
        {
            receiver.SetCredit(100);
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout)
            {
                if (await receiver.ReceiveAsync(TimeSpan.FromMilliseconds(250)) is { } message)
                {
                    receiver.Accept(message);
                    if (match(message))
                    {
                        return message;
                    }
                }
            }

            return null;
        }
        finally
        {
            await CloseQuietlyAsync(receiver);
        }
    }

    public static Message JsonMessage(string messageId, string? subject, byte[] body) => new()
    {
        Header = new Header { Durable = true },
        Properties = new Properties { MessageId = messageId, Subject = subject, ContentType = "application/json" },
        BodySection = new Data { Binary = body },
    };

    public async ValueTask DisposeAsync() => await CloseQuietlyAsync(_connection);

    /// <summary>
    /// RabbitMQ sometimes takes long to answer a close (AMQPNetLite waits 60 s by default): bounded, and a peer that
    /// does not answer is not a test failure. Closing the connection ends its sessions and links too.
    /// </summary>
    private static async Task CloseQuietlyAsync(AmqpObject amqpObject)
    {
        try
        {
            await amqpObject.CloseAsync(TimeSpan.FromSeconds(5), null);
        }
        catch (Exception ex) when (ex is TimeoutException or AmqpException or ObjectDisposedException)
        {
            // Already gone, or the broker is slow to say so: nothing to do.
        }
    }
}
