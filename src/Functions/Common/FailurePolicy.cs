using Crm.Integration.Connectors.ServiceBus;

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
}
