using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Execution;

namespace Crm.Integration.Functions.Common;

/// <summary>
/// The one table from a handler's outcome to what the broker is told. A handler that throws is abandoned by the
/// listener: an exception is not proof that the message is bad, and the delivery limit dead-letters it in the end.
/// </summary>
internal static class FailurePolicy
{
    public static Settlement ToSettlement(HandlerOutcome outcome) => outcome.Kind switch
    {
        OutcomeKind.Success or OutcomeKind.Duplicate => Settlement.Complete,
        OutcomeKind.Transient => Settlement.Abandon(outcome.Reason ?? "Transient"),
        OutcomeKind.Permanent => Settlement.DeadLetter(outcome.Reason ?? "Permanent", outcome.Description ?? "The event cannot be processed."),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Kind, "Unknown outcome."),
    };

    /// <summary>
    /// <see cref="ToSettlement"/>, with the table's one waiting action: a transient outcome that asks to be tried again
    /// later (a task signup whose contact is not in HubSpot yet) holds its message that long, then abandons it, so
    /// that no handler sleeps and a redelivery does not come back within milliseconds.
    /// </summary>
    public static async Task<Settlement> ToSettlementAsync(HandlerOutcome outcome, TimeProvider time, CancellationToken cancellationToken)
    {
        if (outcome.Kind == OutcomeKind.Transient && outcome.RetryAfter is { } delay && delay > TimeSpan.Zero)
        {
            await HoldAsync(delay, time, cancellationToken).ConfigureAwait(false);
        }

        return ToSettlement(outcome);
    }

    /// <summary>How long a message is held before it is abandoned while storage is down (see <see cref="SettleAsync"/>).</summary>
    public static readonly TimeSpan StorageOutageHold = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs a trigger's handling, and settles the two storage failures by this table rather than by an exception the
    /// listener would abandon at once:
    /// - storage refusing the event's rows for good (<see cref="StorageRefusedException"/>): dead-letter with the reason;
    /// - storage down (<see cref="StorageUnavailableException"/>): hold the message, then abandon it. Abandoned at once,
    ///   every message in flight came back within milliseconds and spent the queue's delivery limit in seconds of an
    ///   outage (the chaos run's Azurite kill dead-lettered 271 without a reason); held, ten deliveries span 50 s.
    /// </summary>
    public static async Task<Settlement> SettleAsync(Func<Task<Settlement>> handle, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (StorageRefusedException ex)
        {
            return Settlement.DeadLetter(Reasons.StorageRefused.Code, Quote.Short(ex.Message));
        }
        catch (StorageUnavailableException)
        {
            await HoldAsync(StorageOutageHold, time, cancellationToken).ConfigureAwait(false);
            return Settlement.Abandon(Reasons.StorageUnavailable.Code);
        }
    }

    private static async Task HoldAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: abandon now, the next host takes it.
        }
    }
}
