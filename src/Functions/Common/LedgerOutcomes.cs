using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Common;

/// <summary>The ledger row that goes with a handler's verdict, so that the row's reason and the dead-letter reason read alike.</summary>
internal static class LedgerOutcomes
{
    public static string Describe(HandlerOutcome outcome) => $"{outcome.Reason}: {outcome.Description}";

    public static (NotificationOutcome Outcome, HandlerOutcome Verdict) Rejected(HandlerOutcome rejection) =>
        (new NotificationOutcome(NotificationStatus.Rejected, Describe(rejection)), rejection);

    public static (NotificationOutcome Outcome, HandlerOutcome Verdict) Failed(HandlerOutcome transient) =>
        (new NotificationOutcome(NotificationStatus.Failed, Describe(transient)), transient);
}
