using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Benchmark;

namespace Crm.Integration.Chaos;

/// <summary>
/// One scenario's good traffic and what HubSpot must show afterwards: the benchmark's Auth0 stream (signups, logins out
/// of order, some delivered twice), transactional emails to a recipient each, and task signups of users who signed up.
/// </summary>
internal sealed class ChaosWorkload
{
    public const string Template = "chaos_welcome";

    private ChaosWorkload(string run, Workload auth0, List<(string Id, JsonObject Body)> emails, List<(string Id, string Email, string TaskName, JsonObject Body)> tasks)
    {
        Run = run;
        Auth0 = auth0;
        Emails = emails;
        Tasks = tasks;
        LogIdsByEmail = auth0.Events
            .GroupBy(e => ((string)e["data"]!["user_name"]!).ToLowerInvariant(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => (string)e["log_id"]!).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        SignedUp = auth0.Events.Where(e => (string)e["data"]!["type"]! == "ss")
            .Select(e => ((string)e["data"]!["user_name"]!).ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
    }

    public string Run { get; }

    public Workload Auth0 { get; }

    public List<(string Id, JsonObject Body)> Emails { get; }

    public List<(string Id, string Email, string TaskName, JsonObject Body)> Tasks { get; }

    public Dictionary<string, List<string>> LogIdsByEmail { get; }

    /// <summary>Contacts that must carry a registration date.</summary>
    public HashSet<string> SignedUp { get; }

    /// <summary>
    /// Extra good contacts the scenario adds (the bad-input burst's odd but valid signups and logins): email → log id,
    /// expected to exist with a registration or login date.
    /// </summary>
    public Dictionary<string, string> ExtraContacts { get; } = new(StringComparer.Ordinal);

    public static ChaosWorkload Generate(string run, ChaosOptions options, bool profilesNeeded)
    {
        var auth0 = Workload.Generate(options.Auth0Events, seed: 14, run);
        if (profilesNeeded)
        {
            // Signups that carry no email: the hub must read it (and the names) from the Auth0 profile.
            foreach (var signup in auth0.Events.Where(e => (string)e["data"]!["type"]! == "ss"))
            {
                signup["data"]!["details"] = new JsonObject { ["body"] = new JsonObject() };
                signup["data"]!["user_name"] = (string)signup["data"]!["user_id"]!;
            }
        }

        var emails = Enumerable.Range(0, options.Emails).Select(i =>
        {
            var id = $"{run}-email-{i}";
            return (id, new JsonObject
            {
                ["specversion"] = "1.0",
                ["type"] = "transactional_email",
                ["source"] = "/chaos",
                ["id"] = id,
                ["data"] = new JsonObject
                {
                    ["template_name"] = Template,
                    ["to_recipient_email"] = Recipient(run, i),
                    ["contact_properties"] = new JsonObject { ["firstname"] = "Reader" },
                    ["custom_properties"] = new JsonObject { ["activation_url"] = $"https://platform.example/a/{i}" },
                },
            });
        }).ToList();
        var signedUp = auth0.Events.Where(e => (string)e["data"]!["type"]! == "ss")
            .Select(e => (UserId: (string)e["data"]!["user_id"]!, Email: EmailOf(e)))
            .DistinctBy(u => u.Email).Take(options.TaskSignups).ToList();
        var tasks = signedUp.Select((user, i) =>
        {
            var id = $"{run}-task-{i}";
            var name = $"Task {i} of {run}";
            return (id, user.Email, name, new JsonObject
            {
                ["specversion"] = "1.0",
                ["type"] = "task_signup",
                ["source"] = "/chaos",
                ["id"] = $"{id}-event",
                ["data"] = new JsonObject
                {
                    ["id"] = id,
                    ["user_id"] = user.UserId,
                    ["created"] = new DateTimeOffset(2026, 11, 20, 8, 0, 0, TimeSpan.Zero).AddMinutes(i).ToString("O", CultureInfo.InvariantCulture),
                    ["email"] = user.Email,
                    ["extra_data"] = new JsonObject
                    {
                        ["project_id"] = 7, ["project_name"] = "Chaos", ["task_id"] = i, ["task_name"] = name,
                        ["task_type_id"] = 3, ["task_type_name"] = "Survey",
                    },
                },
            });
        }).ToList();
        return new ChaosWorkload(run, auth0, emails, tasks);

        // The workload's emails follow its user ids: auth0|<run>-<n> is user.<run>.<n>@example.com, in whatever case.
        static string EmailOf(JsonObject e)
        {
            var userId = (string)e["data"]!["user_id"]!;
            return $"user.{userId[(userId.IndexOf('|', StringComparison.Ordinal) + 1)..].Replace('-', '.')}@example.com";
        }
    }

    public static string Recipient(string run, int i) => $"reader.{run}.{i}@example.com";

    /// <summary>The hub's sendId for an event id (README: <c>crm-</c> + the first 40 hex digits of SHA-256(event id)).</summary>
    public static string SendIdOf(string eventId) =>
        "crm-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)))[..40];

    /// <summary>Every id of a good event, to tell the bad inputs' ledger rows from the good ones.</summary>
    public HashSet<string> GoodIds() =>
        Auth0.Events.Select(e => (string)e["log_id"]!).Concat(Emails.Select(e => e.Id)).Concat(Tasks.Select(t => t.Id))
            .Concat(ExtraContacts.Values).ToHashSet(StringComparer.Ordinal);
}
