using System.Security.Cryptography;
using System.Text.Json;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.DeadLetters;

/// <summary>
/// The reason a dead letter carries, or — where the broker keeps none (RabbitMQ over AMQP 1.0) — the one its ledger row
/// holds: the hub writes "Code: description" into the row's last error when it dead-letters. The row is found the way
/// the handlers key it: channel <c>auth0</c> by log id (= message id) on the Auth0 queue; on the platform queue
/// channel <c>email</c> by event id, <c>task-signup</c> by user-task id, or <c>platform</c> (unreadable events) by
/// message id. A row still <c>Failed</c> means the broker's delivery limit dead-lettered the message:
/// <c>MaxDeliveryCountExceeded</c>, Service Bus's name, with the last failure as description.
/// </summary>
internal sealed class DeadLetterReasons(INotificationLedger ledger)
{
    public const string MaxDeliveryCountExceeded = "MaxDeliveryCountExceeded";

    /// <summary>
    /// The letter with its reason and description filled in where the broker left them empty, and its event type
    /// (<see cref="DeadLetter.Subject"/>) where the message has no subject (a structured CloudEvent names its type inside).
    /// </summary>
    public async ValueTask<DeadLetter> ResolveAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var (sourceId, channel, type) = LedgerKeyOf(letter);
        letter = letter with { Subject = letter.Subject ?? type };
        if (letter.Reason is not null || sourceId is null)
        {
            return letter;
        }

        var row = await ledger.FindAsync(sourceId, channel, cancellationToken).ConfigureAwait(false);
        if (row?.LastError is not { Length: > 0 } error)
        {
            return letter;
        }

        if (row.Status is NotificationStatus.Failed or NotificationStatus.Received)
        {
            return letter with { Reason = MaxDeliveryCountExceeded, Description = $"The delivery limit was reached; last failure: {error}" };
        }

        var colon = error.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0
            ? letter with { Reason = error[..colon], Description = error[(colon + 2)..] }
            : letter with { Reason = error, Description = null };
    }

    /// <summary>Where the handlers recorded the message: (source id, channel), and the event type the body names.</summary>
    internal static (string? SourceId, string Channel, string? Type) LedgerKeyOf(DeadLetter letter) =>
        letter.Entity == QueueNames.PlatformEvents ? PlatformKeyOf(letter) : (letter.MessageId, Auth0Channel.Name, null);

    private static (string? SourceId, string Channel, string? Type) PlatformKeyOf(DeadLetter letter)
    {
        var message = new InboundMessage(letter.MessageId, letter.Subject, letter.ContentType, letter.Body, letter.DeliveryCount);
        var (platformEvent, _) = PlatformEventReader.Read(message);
        if (platformEvent is null)
        {
            return (letter.MessageId ?? "sha256:" + Convert.ToHexStringLower(SHA256.HashData(letter.Body.Span)), PlatformEventsTrigger.Channel, null);
        }

        if (platformEvent.Type == PlatformEventTypes.TransactionalEmail)
        {
            return (platformEvent.Id, TransactionalEmailHandler.Channel, platformEvent.Type);
        }

        // A task signup's row is keyed by its user-task id; one without (rejected as such) by the event id.
        return (TaskSignupId(platformEvent) ?? platformEvent.Id, TaskSignupHandler.Channel, platformEvent.Type);
    }

    private static string? TaskSignupId(PlatformEvent platformEvent)
    {
        try
        {
            return platformEvent.Data.Deserialize(FunctionsJsonContext.Default.TaskSignupData)?.Id is { Length: > 0 } id ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
