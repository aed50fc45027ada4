using System.Globalization;
using System.Text.Json.Nodes;

namespace Crm.Integration.Benchmark;

/// <summary>
/// A realistic Auth0 stream: each user signs up once and logs in several times (mixed-case emails, logins out of
/// order), and a share of the log events is delivered twice, as Auth0 does. Also what HubSpot must show afterwards.
/// </summary>
internal sealed class Workload
{
    private Workload(List<JsonObject> events, Dictionary<string, long> lastLoginByEmail, string run)
    {
        Events = events;
        LastLoginByEmail = lastLoginByEmail;
        Run = run;
    }

    public string Run { get; }

    /// <summary>Log events in delivery order (duplicates included).</summary>
    public List<JsonObject> Events { get; }

    /// <summary>Lower-cased email → the latest login (epoch ms) HubSpot must end with; <see cref="long.MinValue"/>: signed up only.</summary>
    public Dictionary<string, long> LastLoginByEmail { get; }

    public static Workload Generate(int events, int seed, string run)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var list = new List<JsonObject>(events);
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        var users = Math.Max(1, events / 4); // a signup and about three logins each
        var id = 0;
        for (var user = 0; list.Count < events; user = (user + 1) % users)
        {
            var email = $"{(random.Next(2) == 0 ? "User" : "user")}.{run}.{user}@{(random.Next(3) == 0 ? "Example.COM" : "example.com")}";
            var key = email.ToLowerInvariant();
            var at = start.AddMinutes(random.Next(0, 30 * 24 * 60)).AddMilliseconds(random.Next(1000));
            var type = last.ContainsKey(key) || random.Next(4) != 0 ? "s" : "ss";
            if (type == "s")
            {
                last[key] = Math.Max(last.GetValueOrDefault(key), at.ToUnixTimeMilliseconds());
            }
            else
            {
                last.TryAdd(key, long.MinValue); // signed up, not logged in yet
            }

            var logEvent = Event($"{run}-{id++:D8}", type, at, $"auth0|{run}-{user}", email);
            list.Add(logEvent);
            if (random.NextDouble() < 0.02 && list.Count < events)
            {
                list.Add((JsonObject)logEvent.DeepClone()); // Auth0 delivered it again
            }
        }

        return new Workload(list, last, run);
    }

    /// <summary>
    /// Logins of the workload's users dated before any of its own, under new log ids: the hub must take and record them,
    /// and leave every contact as the workload says (a later login is already there).
    /// </summary>
    public List<JsonObject> LateLogins(int count)
    {
        var loggedIn = Events
            .Select(e => (Email: (string)e["data"]!["user_name"]!, UserId: (string)e["data"]!["user_id"]!))
            .Where(u => LastLoginByEmail[u.Email.ToLowerInvariant()] != long.MinValue)
            .DistinctBy(u => u.Email.ToLowerInvariant())
            .ToList();
        var before = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        return Enumerable.Range(0, count)
            .Select(i => loggedIn[i % loggedIn.Count])
            .Select((user, i) => Event($"{Run}-late-{i:D8}", "s", before.AddSeconds(i), user.UserId, user.Email))
            .ToList();
    }

    public static JsonObject Event(string logId, string type, DateTimeOffset at, string userId, string email) => new()
    {
        ["log_id"] = logId,
        ["data"] = new JsonObject
        {
            ["date"] = at.ToString("O", CultureInfo.InvariantCulture),
            ["type"] = type,
            ["user_id"] = userId,
            ["user_name"] = email,
            ["details"] = type == "ss" ? new JsonObject { ["body"] = new JsonObject { ["email"] = email } } : null,
        },
    };
}
