using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Connectors.Storage;

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
    /// Runs a trigger's handling; storage refusing the event's rows for good (<see cref="StorageRefusedException"/>) is
    /// a permanent outcome with its reason, not an exception whose message comes back until the delivery limit.
    /// </summary>
    public static async Task<Settlement> SettleAsync(Func<Task<Settlement>> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        try
        {
            return await handle().ConfigureAwait(false);
        }
        catch (StorageRefusedException ex)
        {
            return Settlement.DeadLetter("StorageRefused", Quote.Short(ex.Message));
        }
    }
}
