using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Execution;

/// <summary>
/// A reason an event was not (or not yet) given its effect: a stable, machine-readable code (what the dead-letter and
/// the ledger row say) and whether it may pass. Every reason is one entry of <see cref="Reasons"/>.
/// </summary>
public sealed record Reason(string Code, OutcomeKind Kind)
{
    /// <summary>The outcome of this reason, with a sentence for an operator (never personal data).</summary>
    public HandlerOutcome Because(string description) => new(Kind, Code, description);
}
