using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Execution;

/// <summary>
/// What a handler decided for one event; <see cref="PlanExecutor"/> carries it out. Handlers return plans and do
/// nothing else, so that a handler test is an event (and its facts) in, a plan out.
/// </summary>
public abstract record Plan;

/// <summary>Upsert this change to the contact. With a <paramref name="Guard"/>, only if no later date is on the contact.</summary>
/// <param name="ContactId">The contact's id when the decision already knows it (the ledger keeps it if HubSpot names none).</param>
public sealed record UpsertContact(ContactChange Change, DateGuard? Guard = null, string? ContactId = null) : Plan;

/// <summary>
/// Latest wins: the change carries <paramref name="EpochMilliseconds"/> for <paramref name="Date"/>, and is not written
/// when the contact already has a later one. <paramref name="PutBackLater"/>: should a later date be claimed here while
/// this change was on its way, write that one again afterwards (for changes that carry nothing but the date).
/// </summary>
public sealed record DateGuard(ContactDate Date, long EpochMilliseconds, bool PutBackLater);

/// <summary>Ask HubSpot for this single-send (its send id makes a repeat the same send).</summary>
/// <param name="RecipientFingerprint">The recipient as the ledger shows it, never the address.</param>
public sealed record SendEmail(SingleSendEmail Email, string Template, string RecipientFingerprint) : Plan;

/// <summary>Record this custom event occurrence on the contact.</summary>
public sealed record RecordCustomEvent(CustomEventOccurrence Occurrence) : Plan;

/// <summary>Not now: the event is tried again after <paramref name="Delay"/> (zero: as soon as the broker redelivers).</summary>
public sealed record RetryLater(TimeSpan Delay, HandlerOutcome Why) : Plan;

/// <summary>Never: the event is dead-lettered with the reason. <paramref name="Template"/> and <paramref name="Recipient"/> go to an email's row.</summary>
public sealed record Reject(HandlerOutcome Why, string? Template = null, string? Recipient = null) : Plan;
