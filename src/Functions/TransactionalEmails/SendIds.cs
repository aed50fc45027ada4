using System.Security.Cryptography;
using System.Text;

namespace Crm.Integration.Functions.TransactionalEmails;

/// <summary>
/// HubSpot sends at most one email per <c>sendId</c> and account, so the id is a function of the event id: a
/// redelivered or re-published event asks for the same send and HubSpot answers <c>IDEMPOTENT_IGNORE</c>.
/// </summary>
internal static class SendIds
{
    public static string For(string eventId) =>
        "crm-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..40];
}
