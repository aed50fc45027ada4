using System.Text.Json;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.PlatformEvents;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>
/// Handles one <c>transactional_email</c> event: reads its data, then has the executor run what
/// <see cref="TransactionalEmailDecider"/> decides. The message is settled once HubSpot has accepted the send; the
/// final result is followed by <see cref="SendStatusWatcher"/>. Every event leaves a row in the ledger (channel
/// <see cref="Channel"/>): template, recipient fingerprint, status id, result — the send log.
/// </summary>
internal sealed class TransactionalEmailHandler(PlanExecutor executor, IEventFacts facts, TimeProvider time)
{
    public const string Channel = "email";
    public const string NotificationType = "transactional-email";

    public Task<HandlerOutcome> HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        var receipt = new NotificationReceipt(platformEvent.Id, Channel, NotificationType, time.GetUtcNow(), Replayed: platformEvent.Replayed);
        TransactionalEmailData? data;
        try
        {
            data = platformEvent.Data.Deserialize(FunctionsJsonContext.Default.TransactionalEmailData);
        }
        catch (JsonException ex)
        {
            return executor.RejectAsync(receipt, Reasons.MalformedEvent.Because($"The transactional_email data does not have the expected shape: {ex.Message}"), cancellationToken);
        }

        return executor.RunAsync(receipt with { Person = PersonIds.Of(data?.ToRecipientEmail, data?.ToRecipientId) }, _ => TransactionalEmailDecider.DecideAsync(platformEvent.Id, data!, facts, cancellationToken), cancellationToken);
    }
}
