using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.Common;

/// <summary>Every channel the ledger holds rows of, in one place for whatever reads the whole ledger (summaries, views).</summary>
internal static class LedgerChannels
{
    /// <summary><c>auth0</c>, <c>platform</c>, <c>task-signup</c>, <c>email</c>.</summary>
    public static readonly IReadOnlyList<string> All = [Auth0Channel.Name, PlatformEventsTrigger.Channel, TaskSignupHandler.Channel, TransactionalEmailHandler.Channel];
}
