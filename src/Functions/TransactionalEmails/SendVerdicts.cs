using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>What a send status means for the ledger row and for the message; one table, used on and off the message path.</summary>
internal static class SendVerdicts
{
    public static (NotificationOutcome Outcome, HandlerOutcome Verdict) Of(SendStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var result = status.SendResult ?? status.Status;
        NotificationOutcome Row(NotificationStatus row, string? error = null) => new(row, error, status.StatusId, Result: result);

        if (status.Status == "CANCELED")
        {
            var reason = $"HubSpot canceled the send (status {status.StatusId}).";
            return (Row(NotificationStatus.Rejected, reason), Reasons.EmailNotSent.Because(reason));
        }

        return SendResults.Classify(status.SendResult) switch
        {
            SendResultKind.Sent or SendResultKind.Unknown => (Row(NotificationStatus.Delivered), HandlerOutcome.Success),
            SendResultKind.AlreadySent => (Row(NotificationStatus.Delivered, "Sent before under this send id; HubSpot sent nothing now."), HandlerOutcome.Duplicate),
            SendResultKind.Transient => (Row(NotificationStatus.Failed, $"HubSpot declined for now: {status.SendResult}."),
                Reasons.EmailThrottled.Because($"HubSpot answered {status.SendResult}; the same send id is tried again later.")),
            _ => (Row(NotificationStatus.Rejected, $"HubSpot will not send it: {status.SendResult}."),
                Reasons.EmailNotSent.Because($"HubSpot will not send this email: {status.SendResult}.")),
        };
    }
}
