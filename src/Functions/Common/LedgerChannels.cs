using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.Common;

/// <summary>Every channel the hub writes ledger rows under: what operators' queries and the daily summary read.</summary>
internal static class LedgerChannels
{
    public static readonly IReadOnlyList<string> All =
        [Auth0Channel.Name, PlatformEventsTrigger.Channel, TaskSignupHandler.Channel, TransactionalEmailHandler.Channel];
}
