using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.Execution;

/// <summary>
/// Carries out every handler's plan the same way: admits the event to the ledger once (a repeat of a settled event is
/// counted, not handled), lets the handler decide, runs the plan through the connectors — the latest-wins date guard,
/// the batched contact write, the single-send, the custom event —, maps the answer to the ledger row and the verdict,
/// and records the row. The verdict goes to <see cref="FailurePolicy"/>, which settles the message. The one place where
/// an event's handling can be traced and measured.
/// </summary>
internal sealed class PlanExecutor(
    INotificationLedger ledger,
    IContactDates contactDates,
    IHubSpotContactWriter contacts,
    ITransactionalEmail emails,
    IHubSpotCustomEvents customEvents,
    SendStatusWatcher sendStatuses,
    IReplicaCensus replicas,
    ILogger<PlanExecutor> logger)
{
    /// <summary>
    /// Handles one event under the ledger's once-per-event rule. <paramref name="decide"/> is given the delivery
    /// count the ledger holds and returns the plan.
    /// </summary>
    public async Task<HandlerOutcome> RunAsync(NotificationReceipt receipt, Func<int, Task<Plan>> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(decide);
        var admission = await ledger.AdmitAsync(receipt, cancellationToken).ConfigureAwait(false);
        if (admission.Record.IsSettled)
        {
            LogDuplicate(receipt, admission.Record.DuplicatesSeen);
            return HandlerOutcome.Duplicate;
        }

        Plan plan;
        try
        {
            plan = await decide(admission.Record.Attempts).ConfigureAwait(false);
        }
        catch (Auth0UnavailableException ex)
        {
            plan = new RetryLater(TimeSpan.Zero, Reasons.Auth0Unavailable.Because(ex.Message));
        }

        // An earlier attempt may have left HubSpot on this event's (older) date: a write that timed out may still have
        // landed, a put-back may have failed. It owes the contact its latest date, which the date guard alone would now
        // call late and write nothing.
        var owesLatest = LedgerReasons.CodeOf(admission.Record.LastError) is var lastCode
            && (lastCode == Reasons.LaterDateNotRestored.Code || lastCode == Reasons.HubSpotUnavailable.Code);
        var (outcome, verdict) = await CarryOutAsync(plan, owesLatest, cancellationToken).ConfigureAwait(false);
        await ledger.RecordOutcomeAsync(receipt, outcome with { Person = PersonOf(plan, receipt) }, cancellationToken).ConfigureAwait(false);
        if (plan is SendEmail && outcome.Status == NotificationStatus.Delivered && outcome.Result is "PENDING" or "PROCESSING" && outcome.HubSpotId is { } statusId)
        {
            sendStatuses.Watch(receipt, statusId);
        }

        LogHandled(receipt, outcome.Status, verdict.Reason);
        return verdict;
    }

    /// <summary>An event refused before it could be admitted (no usable id, a type without handler): its row says why.</summary>
    public async Task<HandlerOutcome> RejectAsync(NotificationReceipt receipt, HandlerOutcome why, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        await ledger.RecordRejectedAsync(receipt, LedgerOutcomes.Describe(why), cancellationToken).ConfigureAwait(false);
        LogHandled(receipt, NotificationStatus.Rejected, why.Reason);
        return why;
    }

    private Task<(NotificationOutcome, HandlerOutcome)> CarryOutAsync(Plan plan, bool owesLatest, CancellationToken cancellationToken) => plan switch
    {
        UpsertContact upsert => UpsertAsync(upsert, owesLatest, cancellationToken),
        SendEmail send => SendAsync(send, cancellationToken),
        RecordCustomEvent occurrence => RecordAsync(occurrence, cancellationToken),
        RetryLater retry => Task.FromResult(LedgerOutcomes.Failed(retry.Why with { RetryAfter = retry.Delay > TimeSpan.Zero ? retry.Delay : null })),
        Reject reject => Task.FromResult<(NotificationOutcome, HandlerOutcome)>(
            (LedgerOutcomes.Rejected(reject.Why).Outcome with { Template = reject.Template, Recipient = reject.Recipient }, reject.Why)),
        _ => throw new ArgumentOutOfRangeException(nameof(plan), plan.GetType().Name, "A plan the executor does not know."),
    };

    private async ValueTask<long?> LatestAsync(string email, ContactDate date, CancellationToken cancellationToken) =>
        replicas.LiveReplicas > 1
            ? await contactDates.GetAsync(email, date, cancellationToken).ConfigureAwait(false)
            : contactDates.Known(email, date);

    /// <summary>Who the event turned out to be about (an address found in the profile): fingerprinted in the ledger, so that an erasure finds the row.</summary>
    private static PersonIds? PersonOf(Plan plan, NotificationReceipt receipt) => plan switch
    {
        UpsertContact upsert => PersonIds.Of(upsert.Change.Email, receipt.Person?.Auth0UserId),
        SendEmail send => PersonIds.Of(send.Email.To, receipt.Person?.Auth0UserId),
        _ => null,
    };

    private async Task<(NotificationOutcome, HandlerOutcome)> UpsertAsync(UpsertContact plan, bool owesLatest, CancellationToken cancellationToken)
    {
        var change = plan.Change;
        var writtenDate = plan.Guard?.EpochMilliseconds;
        if (plan.Guard is { } guard
            && await contactDates.AdvanceAsync(change.Email, guard.Date, guard.EpochMilliseconds, cancellationToken).ConfigureAwait(false) is var stored
            && stored > guard.EpochMilliseconds)
        {
            if (!owesLatest)
            {
                return (new NotificationOutcome(NotificationStatus.Delivered, LaterAlreadyThere(guard.Date), plan.ContactId), HandlerOutcome.Success);
            }

            change = change.WithLatest(stored);
            writtenDate = stored;
        }

        var written = await contacts.UpsertAsync(change, cancellationToken).ConfigureAwait(false);
        // A later date claimed while this change was on its way may have landed first: put it back on top, and look
        // again after each put-back, since a put-back is a write that a still later claim may overtake in turn. Alone,
        // this process knows every claim; beside other replicas it reads the stored date, because another replica's
        // later write may have reached HubSpot before this one (every claim is stored before its write, so a claim this
        // read misses is written after this change, and wins).
        while (written.Kind == UpsertOutcomeKind.Succeeded && plan.Guard is { PutBackLater: true } put
            && await LatestAsync(change.Email, put.Date, cancellationToken).ConfigureAwait(false) is { } latest && latest > writtenDate)
        {
            written = await contacts.UpsertAsync(change.WithLatest(latest), cancellationToken).ConfigureAwait(false);
            writtenDate = latest;
            if (written.Kind != UpsertOutcomeKind.Succeeded)
            {
                // HubSpot may now show an older date; until the later one is back on top, this event is not done.
                return LedgerOutcomes.Failed(Reasons.LaterDateNotRestored.Because(
                    $"Wrote an older date and could not put the later one back: {written.Error?.ToString() ?? "HubSpot did not take the contact now."}"));
            }
        }

        return written.Kind switch
        {
            UpsertOutcomeKind.Succeeded => (new NotificationOutcome(NotificationStatus.Delivered, null, written.ContactId ?? plan.ContactId), HandlerOutcome.Success),
            UpsertOutcomeKind.Permanent => LedgerOutcomes.Rejected(Reasons.HubSpotRejected.Because(written.Error?.ToString() ?? "HubSpot rejected the contact.")),
            _ => LedgerOutcomes.Failed(Reasons.HubSpotUnavailable.Because(written.Error?.ToString() ?? "HubSpot did not take the contact now.")),
        };
    }

    private async Task<(NotificationOutcome, HandlerOutcome)> SendAsync(SendEmail plan, CancellationToken cancellationToken)
    {
        var answer = await emails.SendAsync(plan.Email, cancellationToken).ConfigureAwait(false);
        var (outcome, verdict) = answer.Kind switch
        {
            SendOutcomeKind.Answered => SendVerdicts.Of(answer.Status!),
            SendOutcomeKind.Transient => LedgerOutcomes.Failed(Reasons.HubSpotUnavailable.Because($"HubSpot did not take the send now: {answer.Error}")),
            _ => LedgerOutcomes.Rejected(Reasons.HubSpotRejected.Because($"HubSpot refused the send: {answer.Error}")),
        };
        return (outcome with { Template = plan.Template, Recipient = plan.RecipientFingerprint }, verdict);
    }

    private async Task<(NotificationOutcome, HandlerOutcome)> RecordAsync(RecordCustomEvent plan, CancellationToken cancellationToken)
    {
        var contactId = plan.Occurrence.ContactId;
        var sent = await customEvents.SendAsync(plan.Occurrence, cancellationToken).ConfigureAwait(false);
        return sent.Kind switch
        {
            CustomEventOutcomeKind.Recorded => (new NotificationOutcome(NotificationStatus.Delivered, null, contactId), HandlerOutcome.Success),
            CustomEventOutcomeKind.ContactNotFound => LedgerOutcomes.Failed(Reasons.ContactNotFoundYet.Because($"HubSpot no longer finds contact {contactId}: {sent.Error}")),
            CustomEventOutcomeKind.Transient => LedgerOutcomes.Failed(Reasons.HubSpotUnavailable.Because($"HubSpot did not take the event now: {sent.Error}")),
            _ => LedgerOutcomes.Rejected(Reasons.HubSpotRejected.Because($"HubSpot refused the custom event: {sent.Error}")),
        };
    }

    private static string LaterAlreadyThere(ContactDate date) => date switch
    {
        ContactDate.LastLogin => "Not written: a later login is already on the contact.",
        ContactDate.LastTaskSignup => "Not written: a later task signup is already on the contact.",
        _ => "Not written: a later date is already on the contact.",
    };

    private void LogHandled(NotificationReceipt receipt, NotificationStatus status, string? reason)
    {
        if (receipt.Channel == Auth0Channel.Name)
        {
            Log.Auth0EventHandled(logger, receipt.SourceId, receipt.Type, status, reason);
        }
        else
        {
            Log.PlatformEventHandled(logger, receipt.SourceId, receipt.Type, status, reason);
        }
    }

    private void LogDuplicate(NotificationReceipt receipt, int duplicatesSeen)
    {
        if (receipt.Channel == Auth0Channel.Name)
        {
            Log.Auth0EventDuplicate(logger, receipt.SourceId, receipt.Type, duplicatesSeen);
        }
        else
        {
            Log.PlatformEventDuplicate(logger, receipt.SourceId, receipt.Type, duplicatesSeen);
        }
    }
}
