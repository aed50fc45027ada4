using System.Collections.Concurrent;
using Azure.Messaging.ServiceBus;
using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Sends through Microsoft's client: one sender per entity, the messages packed into as few
/// <see cref="ServiceBusMessageBatch"/>es as their size allows. Returns only when every batch was accepted.
/// </summary>
internal sealed class ServiceBusQueueSender(
    ServiceBusClient client,
    QueueListenerStatus status,
    IOptions<ServiceBusOptions> options,
    ILogger<ServiceBusQueueSender> logger) : IQueueSender, IAsyncDisposable
{
    private readonly ServiceBusOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, ServiceBusSender> _senders = new(StringComparer.Ordinal);

    public async Task SendAsync(string entity, IReadOnlyCollection<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return;
        }

        var address = _options.AddressOf(entity);
        var sender = _senders.GetOrAdd(entity, _ => client.CreateSender(address));
        using var activity = QueueTracing.StartSend("servicebus", entity, messages.Count);
        var carrier = QueueTracing.Carrier(activity);
        var accepted = 0;
        try
        {
            using var pending = messages.GetEnumerator();
            var next = pending.MoveNext() ? pending.Current : null;
            while (next is not null)
            {
                using var batch = await sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
                while (next is not null && batch.TryAddMessage(ToServiceBus(next, carrier)))
                {
                    next = pending.MoveNext() ? pending.Current : null;
                }

                if (batch.Count == 0)
                {
                    throw new QueueUnavailableException(
                        $"Message {next!.MessageId} does not fit in a batch for '{entity}' ({batch.MaxSizeInBytes} bytes at most).");
                }

                await sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
                accepted += batch.Count;
            }

            status.SendSucceeded(entity);
        }
        catch (Exception ex) when (ServiceBusFailures.IsFromServiceBus(ex))
        {
            if (ServiceBusFailures.ConfigurationProblem(ex, address) is { } problem)
            {
                status.SendFailed(entity, problem);
            }

            var failed = messages.Count - accepted;
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
            Log.SendFailed(logger, entity, failed, messages.Count, ex.Message);
            throw new QueueUnavailableException(
                $"Service Bus did not accept {failed} of {messages.Count} messages for '{entity}'"
                + $" ({(ServiceBusFailures.IsTransient(ex) ? "transient" : "not transient")}): {ex.Message}", ex);
        }
    }

    /// <summary>Service Bus takes message ids of at most 128 characters; the hub accepts event ids of up to 1,024.</summary>
    private const int MaxMessageIdLength = 128;

    /// <summary>
    /// The same AMQP message as the AMQP transport sends: message-id, subject, content-type, one data section, and the
    /// trace context of <paramref name="carrier"/>. The SDK keeps a <c>Diagnostic-Id</c> already set rather than write its own.
    /// </summary>
    internal static ServiceBusMessage ToServiceBus(OutboundMessage message, System.Diagnostics.Activity? carrier)
    {
        var serviceBus = new ServiceBusMessage(message.Body)
        {
            MessageId = MessageIdOf(message.MessageId),
            Subject = message.Subject,
            ContentType = message.ContentType,
        };
        foreach (var (name, value) in MessageTraceContext.PropertiesOf(carrier))
        {
            serviceBus.ApplicationProperties[name] = value;
        }

        return serviceBus;
    }

    /// <summary>
    /// The id itself, or for a longer one a SHA-256 of it: the same id always gives the same message id, so duplicate
    /// detection still recognises a repeat, and the body still carries the id in full.
    /// </summary>
    internal static string MessageIdOf(string id) =>
        id.Length <= MaxMessageIdLength
            ? id
            : "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));

    public async ValueTask DisposeAsync()
    {
        foreach (var sender in _senders.Values)
        {
            await sender.DisposeAsync().ConfigureAwait(false);
        }
    }
}
