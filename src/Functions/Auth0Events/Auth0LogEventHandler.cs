using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>
/// Handles one Auth0 log event from the queue: a signup upserts the contact (email, names, Auth0 user id, registration
/// date), a login sets its last-login date, never backwards. Each event is recorded in the ledger once per
/// <c>log_id</c>, with what became of it. Storage failures are thrown, and the listener abandons the message.
/// </summary>
internal sealed class Auth0LogEventHandler(
    INotificationLedger ledger,
    IAuth0Users auth0,
    LookupSettings<ContactPropertyNames> properties,
    ContactBatcher contacts,
    IContactDates contactDates,
    TimeProvider timeProvider,
    ILogger<Auth0LogEventHandler> logger)
{
    public async Task<HandlerOutcome> HandleAsync(Auth0LogEvent logEvent, CancellationToken cancellationToken)
    {
        var logId = logEvent.LogId ?? logEvent.Data?.LogId;
        var data = logEvent.Data;
        if (logId is null || data?.Type is not { } logType)
        {
            return HandlerOutcome.Permanent("MissingIdentity", "The event has no log_id or no data.type.");
        }

        var notificationType = Auth0EventTypes.NotificationTypeOf(logType);
        var receipt = new NotificationReceipt(logId, Auth0Channel.Name, notificationType ?? logType, timeProvider.GetUtcNow(), PersonIds.Of(null, data.UserId));
        if (SourceIds.Problem("log_id", logId) is { } problem)
        {
            // Recorded under the id as it came (the ledger keys it by a hash), so that its rejection can be looked up.
            await ledger.RecordRejectedAsync(receipt, problem, cancellationToken).ConfigureAwait(false);
            return HandlerOutcome.Permanent("InvalidLogId", problem);
        }

        if (notificationType is null)
        {
            var reason = $"Auth0 log type '{Quote.Short(logType)}' has no handler; forward only {string.Join(", ", Auth0EventTypes.Handled)}.";
            await ledger.RecordRejectedAsync(receipt, reason, cancellationToken).ConfigureAwait(false);
            return HandlerOutcome.Permanent("UnsupportedLogType", reason);
        }

        var once = await LedgerOnce.HandleAsync(ledger, receipt, _ => DeliverAsync(data, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (once.Outcome is { } outcome)
        {
            Log.Auth0EventHandled(logger, logId, logType, outcome.Status, once.Verdict.Reason);
        }
        else
        {
            Log.Auth0EventDuplicate(logger, logId, logType, once.DuplicatesSeen);
        }

        return once.Verdict;
    }

    private async Task<(NotificationOutcome Outcome, HandlerOutcome Verdict)> DeliverAsync(Auth0LogData data, CancellationToken cancellationToken)
    {
        Auth0User? profile = null;
        if (Auth0ContactPlan.NeedsProfile(data) && auth0.IsConfigured && data.UserId is { Length: > 0 } userId)
        {
            try
            {
                profile = await auth0.GetUserAsync(userId, cancellationToken).ConfigureAwait(false);
            }
            catch (Auth0UnavailableException ex)
            {
                return Failed(HandlerOutcome.Transient("Auth0Unavailable", ex.Message));
            }
        }

        var plan = Auth0ContactPlan.For(data, profile, await properties.GetAsync(cancellationToken).ConfigureAwait(false));
        if (plan.Rejection is { } rejection)
        {
            return LedgerOutcomes.Rejected(rejection);
        }

        var change = plan.Change!;
        var person = PersonIds.Of(change.Email, data.UserId); // fingerprinted in the ledger, so that an erasure finds the row
        var loginAt = plan.LoginAt?.ToUnixTimeMilliseconds();
        // The date is claimed before the write and checked again after it: whichever of two concurrent logins lands
        // in HubSpot last, the later date is what stays (the older writer puts the later one back).
        if (loginAt is { } login && await contactDates.AdvanceAsync(change.Email, ContactDate.LastLogin, login, cancellationToken).ConfigureAwait(false) > login)
        {
            return (new NotificationOutcome(NotificationStatus.Delivered, "Not written: a later login is already on the contact.", Person: person), HandlerOutcome.Success);
        }

        var written = await contacts.UpsertAsync(change, cancellationToken).ConfigureAwait(false);
        if (written.Kind == UpsertOutcomeKind.Succeeded && loginAt is { } ms
            && await contactDates.GetAsync(change.Email, ContactDate.LastLogin, cancellationToken).ConfigureAwait(false) is { } latest && latest > ms)
        {
            written = await contacts.UpsertAsync(change with { Properties = LoginAt(change, latest) }, cancellationToken).ConfigureAwait(false);
        }

        var (outcome, verdict) = written.Kind switch
        {
            UpsertOutcomeKind.Succeeded => (new NotificationOutcome(NotificationStatus.Delivered, null, written.ContactId), HandlerOutcome.Success),
            UpsertOutcomeKind.Permanent => (new NotificationOutcome(NotificationStatus.Rejected, written.Error?.ToString()),
                HandlerOutcome.Permanent("HubSpotRejected", written.Error?.ToString() ?? "HubSpot rejected the contact.")),
            _ => Failed(HandlerOutcome.Transient("HubSpotUnavailable", written.Error?.ToString() ?? "HubSpot did not take the contact now.")),
        };
        return (outcome with { Person = person }, verdict);
    }

    private static Dictionary<string, string> LoginAt(ContactChange change, long epochMilliseconds)
    {
        var properties = new Dictionary<string, string>(change.Properties, StringComparer.Ordinal);
        foreach (var name in change.LatestWins)
        {
            properties[name] = epochMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return properties;
    }

    private static (NotificationOutcome, HandlerOutcome) Failed(HandlerOutcome transient) => LedgerOutcomes.Failed(transient);
}
