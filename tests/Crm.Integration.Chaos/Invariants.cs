using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Azure.Data.Tables;
using Crm.Integration.HubSpotSimulator;
using Crm.Integration.Testing;

namespace Crm.Integration.Chaos;

/// <summary>One scenario's figures, measured from the simulator, the ledger and the dead-letter queues.</summary>
internal sealed record ScenarioResult(
    string Scenario,
    string Fault,
    int EventsSent,
    int ContactsExpected,
    int ContactsCorrect,
    int Lost,
    int DuplicateEmails,
    int Stuck,
    int DeadLetters,
    int LedgerRejected,
    string Reasons,
    double? SecondsToRecover,
    int BadSent,
    int BadRejected,
    IReadOnlyList<string> LostExamples,
    IReadOnlyList<string> StuckExamples,
    IReadOnlyList<string> HubLog,
    IReadOnlyList<string> Answers);

/// <summary>What must hold after every scenario: every good event has its effect (or a rejection with a reason), one email per event, every ledger row settled.</summary>
internal static class Invariants
{
    public sealed record Effects(int ContactsExpected, int ContactsCorrect, List<string> Missing);

    /// <summary>The good events whose effect is not in HubSpot: wrong or missing contacts, emails not sent, task signups not recorded.</summary>
    public static Effects Check(Portal portal, ChaosWorkload workload)
    {
        var missing = new List<string>();
        var expected = 0;
        var correct = 0;
        foreach (var (email, lastLogin) in workload.Auth0.LastLoginByEmail)
        {
            expected++;
            var ok = portal.Contacts.TryGetValue(email, out var contact)
                && (lastLogin == long.MinValue || contact.Properties.GetValueOrDefault("last_login_date") == lastLogin.ToString(CultureInfo.InvariantCulture))
                && (!workload.SignedUp.Contains(email) || !string.IsNullOrEmpty(contact.Properties.GetValueOrDefault("registration_date")));
            if (ok)
            {
                correct++;
            }
            else
            {
                missing.Add($"contact:{email}");
            }
        }

        foreach (var (email, _) in workload.ExtraContacts)
        {
            expected++;
            if (portal.Contacts.ContainsKey(email))
            {
                correct++;
            }
            else
            {
                missing.Add($"contact:{email}");
            }
        }

        foreach (var (id, _) in workload.Emails)
        {
            if (!portal.StatusIdBySendId.ContainsKey(ChaosWorkload.SendIdOf(id)))
            {
                missing.Add($"email:{id}");
            }
        }

        foreach (var task in workload.Tasks)
        {
            if (!portal.Contacts.TryGetValue(task.Email, out var contact) || contact.Properties.GetValueOrDefault("last_task_name") != task.TaskName)
            {
                missing.Add($"task:{task.Id}");
            }
        }

        return new Effects(expected, correct, missing);
    }

    /// <summary>
    /// Emails sent more than once for one event. Each event has its own recipient, so this counts per recipient: the
    /// simulator itself never sends twice for one sendId, so a count per sendId could not fail.
    /// </summary>
    public static int DuplicateEmails(Portal portal) =>
        portal.Emails.GroupBy(e => e.To, StringComparer.OrdinalIgnoreCase).Sum(g => g.Count() - 1);

    public sealed record LedgerRow(string SourceId, string Status, string? LastError);

    public static async Task<List<LedgerRow>> ReadLedgerAsync(TableClient ledger)
    {
        var rows = new List<LedgerRow>();
        try
        {
            await foreach (var row in ledger.QueryAsync<TableEntity>(select: ["PartitionKey", "Status", "LastError"]))
            {
                rows.Add(new LedgerRow(Decode(row.PartitionKey), row.GetString("Status") ?? "", row.GetString("LastError")));
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // The hub created the table when it started: gone now (an emulator that lost it), no row can be shown settled.
            rows.Add(new LedgerRow("(the ledger table is gone)", "TableNotFound", null));
        }

        return rows;
    }

    public static bool Settled(LedgerRow row) => row.Status is "Delivered" or "Rejected";

    /// <summary>The ledger's key encoding (TableKey): ids with characters a key may not hold are base64url behind a prefix.</summary>
    private static string Decode(string key) =>
        key.StartsWith("~b64~", StringComparison.Ordinal) ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(key.AsSpan(5))) : key;

    /// <summary>Takes everything off both dead-letter queues (so that the next scenario starts from none) and counts it.</summary>
    public static async Task<int> DrainDeadLettersAsync(TestStack stack)
    {
        await using var raw = await RawAmqp.ConnectAsync(stack);
        var count = 0;
        foreach (var queue in new[] { "auth0-log-events.dlq", "platform-events.dlq" })
        {
            count += (await raw.DrainAsync(queue, TimeSpan.FromSeconds(1))).Count;
        }

        return count;
    }

    /// <summary>
    /// A missing effect is a loss unless one of its events has a Rejected ledger row (dead-lettered with a reason).
    /// Contacts are checked through every log id of the contact; emails and task signups through their own id.
    /// </summary>
    public static List<string> Lost(Effects effects, ChaosWorkload workload, IReadOnlyList<LedgerRow> rows)
    {
        var rejected = rows.Where(r => r.Status == "Rejected").Select(r => r.SourceId).ToHashSet(StringComparer.Ordinal);
        return effects.Missing.Where(m =>
        {
            var (kind, key) = (m[..m.IndexOf(':', StringComparison.Ordinal)], m[(m.IndexOf(':', StringComparison.Ordinal) + 1)..]);
            IEnumerable<string> ids = kind switch
            {
                "contact" => workload.LogIdsByEmail.GetValueOrDefault(key) ?? (workload.ExtraContacts.TryGetValue(key, out var id) ? [id] : []),
                _ => [key],
            };
            return !ids.Any(rejected.Contains);
        }).ToList();
    }
}
