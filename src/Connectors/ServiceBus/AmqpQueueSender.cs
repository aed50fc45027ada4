using Amqp;
using Amqp.Framing;
using Amqp.Types;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Sends over one session with one link per entity, kept open between calls. Every message of a batch is in flight at
/// once and the call returns when the broker has settled all of them as accepted.
/// </summary>
internal sealed class AmqpQueueSender(
    [FromKeyedServices(AmqpConnection.Sending)] AmqpConnection connection, IOptions<ServiceBusOptions> options, TimeProvider time, ILogger<AmqpQueueSender> logger)
    : IQueueSender, IAsyncDisposable
{
    private readonly ServiceBusOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, SenderLink> _links = new(StringComparer.Ordinal);
    private Session? _session;

    public async Task SendAsync(string entity, IReadOnlyCollection<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        using var activity = QueueTracing.StartSend("amqp", entity, messages.Count);
        var link = await GetLinkAsync(entity, cancellationToken).ConfigureAwait(false);
        var carrier = QueueTracing.Carrier(activity);
        var sends = new List<Task>(messages.Count);
        foreach (var message in messages)
        {
            sends.Add(link.SendAsync(ToAmqp(message, carrier, time.GetUtcNow()), _options.SendTimeout));
        }

        try
        {
            await Task.WhenAll(sends).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmqpException or TimeoutException or ObjectDisposedException)
        {
            var failed = sends.Count(s => !s.IsCompletedSuccessfully);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            Log.SendFailed(logger, entity, failed, messages.Count, ex.Message);
            throw new QueueUnavailableException(
                $"The broker did not accept {failed} of {messages.Count} messages for '{entity}': {ex.Message}", ex);
        }
    }

    private async Task<SenderLink> GetLinkAsync(string entity, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_links.TryGetValue(entity, out var link) && !link.IsClosed && _session is { IsClosed: false } && connection.IsOpen)
            {
                return link;
            }

            var amqpConnection = await connection.GetAsync(cancellationToken).ConfigureAwait(false);
            if (_session is null || _session.IsClosed || _session.Connection != amqpConnection)
            {
                _links.Clear();
                _session = new Session(amqpConnection);
            }

            link = await AmqpLinks.AttachSenderAsync(_session, _options.AddressOf(entity), _options.ConnectTimeout, cancellationToken)
                .ConfigureAwait(false);
            _links[entity] = link;
            return link;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="carrier">The span whose trace context the message carries in its application properties.</param>
    /// <param name="now">The creation time, from which the receiver measures the time on the queue where the broker stamps none (RabbitMQ).</param>
    internal static Message ToAmqp(OutboundMessage message, System.Diagnostics.Activity? carrier, DateTimeOffset now)
    {
        var amqp = new Message
        {
            Header = new Header { Durable = true },
            Properties = new Properties
            {
                MessageId = message.MessageId,
                Subject = message.Subject,
                ContentType = new Symbol(message.ContentType),
                CreationTime = now.UtcDateTime,
            },
            BodySection = new Data { Binary = message.Body.ToArray() },
        };
        foreach (var (name, value) in MessageTraceContext.PropertiesOf(carrier))
        {
            amqp.ApplicationProperties ??= new ApplicationProperties();
            amqp.ApplicationProperties[name] = value;
        }

        return amqp;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var link in _links.Values)
        {
            await AmqpLinks.CloseQuietlyAsync(link).ConfigureAwait(false);
        }

        await AmqpLinks.CloseQuietlyAsync(_session).ConfigureAwait(false);
        _gate.Dispose();
    }
}
