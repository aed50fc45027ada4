using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.HubSpotSimulator;
using Crm.Integration.Testing;

namespace Crm.Integration.Benchmark;

/// <summary>What the benchmark does to the hub: Auth0 deliveries over HTTP, platform events over AMQP.</summary>
internal static class Drivers
{
    public const string LogStreamToken = "bench-log-stream-token";

    /// <summary>
    /// Two rounds of one small delivery per sender (logins of warm-up users, outside the workload), so that the timed
    /// ingest meets a hub that has compiled its webhook path and opened its connections, as Auth0's traffic does.
    /// </summary>
    /// <summary>Until every replica's <c>hubspot-budget</c> health check shows a share and the shares add up to the limit.</summary>
    public static async Task SharesSettledAsync(IReadOnlyList<Uri> replicas, int limit)
    {
        using var http = new HttpClient();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var shares = await Task.WhenAll(replicas.Select(async replica =>
            {
                using var response = await http.GetAsync(new Uri(replica, "/api/health/ready")); // 503 too has the checks
                var ready = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                return (int)ready["checks"]!["hubspot-budget"]!["data"]!["share"]!;
            }));
            if (shares.All(share => share > 0) && shares.Sum() == limit)
            {
                return;
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"Budget shares not settled after 2 min: {string.Join(", ", shares)} of {limit}.");
            }

            await Task.Delay(500);
        }
    }

    public static async Task WarmUpAsync(Uri hub, string run, int senders)
    {
        using var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromMinutes(1) };
        for (var round = 0; round < 2; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, senders).Select(async sender =>
            {
                var events = new JsonArray(Enumerable.Range(0, 10).Select(i => (JsonNode)new JsonObject
                {
                    ["log_id"] = $"{run}-warmup-{round}-{sender}-{i}",
                    ["data"] = new JsonObject
                    {
                        ["type"] = "s",
                        ["date"] = "2026-11-01T00:00:00Z",
                        ["user_id"] = $"auth0|{run}-warmup-{sender}-{i}",
                        ["user_name"] = $"warmup.{run}.{sender}.{i}@bench.example",
                    },
                }).ToArray());
                using var request = LogStreamPost(Encoding.UTF8.GetBytes(events.ToJsonString()));
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }));
        }
    }

    /// <summary>Posts the events in batches of 100 from several concurrent senders; the latency of each accepted batch.</summary>
    public static async Task<(List<double> LatenciesMs, TimeSpan Elapsed, int Refused)> IngestAsync(Uri hub, IReadOnlyList<JsonObject> events, int senders)
    {
        var batches = Batches(events);
        var timings = new BatchTimings(batches.Count);
        var next = -1;
        using var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromMinutes(2) };
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                await timings.PostAsync(http, batches[index]);
            }
        }));
        return (timings.LatenciesMs, clock.Elapsed, timings.Refused);
    }

    /// <summary>
    /// Posts the events in batches of 100 at a fixed rate, each batch on its own schedule whether or not the earlier
    /// ones were answered (an open loop: a slow answer cannot hold the sender back and so hide itself from the figures).
    /// </summary>
    public static async Task<(List<double> LatenciesMs, int Refused)> PaceAsync(Uri hub, IReadOnlyList<JsonObject> events, int eventsPerSecond)
    {
        var batches = Batches(events);
        var interval = TimeSpan.FromSeconds(100.0 / eventsPerSecond);
        var timings = new BatchTimings(batches.Count);
        using var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromMinutes(2) };
        var clock = Stopwatch.StartNew();
        var posts = new List<Task>(batches.Count);
        for (var i = 0; i < batches.Count; i++)
        {
            var due = interval * i - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due);
            }

            var batch = batches[i];
            posts.Add(Task.Run(() => timings.PostAsync(http, batch)));
        }

        await Task.WhenAll(posts);
        return (timings.LatenciesMs, timings.Refused);
    }

    private static List<byte[]> Batches(IReadOnlyList<JsonObject> events) =>
        events.Chunk(100).Select(b => Encoding.UTF8.GetBytes(new JsonArray(b.Select(e => (JsonNode)e.DeepClone()).ToArray()).ToJsonString())).ToList();

    /// <summary>Each batch's latency and the batches refused, from any number of concurrent posts.</summary>
    private sealed class BatchTimings(int batches)
    {
        public List<double> LatenciesMs { get; } = new(batches);

        public int Refused { get; private set; }

        /// <summary>
        /// Posts the batch, and again after a refusal as Auth0's log stream would (its events must all arrive for the
        /// drain to end); the latency is the first attempt's, and every refusal is counted.
        /// </summary>
        public async Task PostAsync(HttpClient http, byte[] batch)
        {
            for (var attempt = 1; ; attempt++)
            {
                using var request = LogStreamPost(batch);
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                lock (LatenciesMs)
                {
                    if (attempt == 1)
                    {
                        LatenciesMs.Add(ms);
                    }

                    Refused += response.IsSuccessStatusCode ? 0 : 1;
                }

                if (response.IsSuccessStatusCode || attempt == MaxAttempts)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        private const int MaxAttempts = 30;
    }

    /// <summary>A delivery to the webhook as Auth0's log stream sends it.</summary>
    public static HttpRequestMessage LogStreamPost(byte[] json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth0/log-stream") { Content = new ByteArrayContent(json) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", LogStreamToken);
        return request;
    }

    /// <summary>Publishes transactional emails as CloudEvents, one template, a recipient each.</summary>
    public static async Task PublishEmailsAsync(TestStack stack, string run, int count)
    {
        await using var raw = await RawAmqp.ConnectAsync(stack);
        for (var i = 0; i < count; i++)
        {
            var id = $"{run}-email-{i}";
            var body = new JsonObject
            {
                ["specversion"] = "1.0",
                ["type"] = "transactional_email",
                ["source"] = "/bench",
                ["id"] = id,
                ["data"] = new JsonObject
                {
                    ["template_name"] = "bench_welcome",
                    ["to_recipient_email"] = $"reader.{run}.{i}@example.com",
                    ["contact_properties"] = new JsonObject { ["firstname"] = "Reader" },
                    ["custom_properties"] = new JsonObject { ["activation_url"] = $"https://platform.example/a/{i}" },
                },
            };
            await raw.SendAsync("platform-events", RawAmqp.JsonMessage(id, null, Encoding.UTF8.GetBytes(body.ToJsonString())));
        }
    }

    /// <summary>Ledger rows of the events whose log ids start with the prefix that the hub has settled (handled, one way or another).</summary>
    public static async Task<int> SettledAsync(Azure.Data.Tables.TableClient ledger, string logIdPrefix)
    {
        var settled = 0;
        var filter = Azure.Data.Tables.TableClient.CreateQueryFilter($"SourceId ge {logIdPrefix} and SourceId lt {logIdPrefix + '\uffff'} and (Status eq 'Delivered' or Status eq 'Rejected')");
        await foreach (var _ in ledger.QueryAsync<Azure.Data.Tables.TableEntity>(filter, select: ["SourceId"]))
        {
            settled++;
        }

        return settled;
    }

    /// <summary>
    /// For up to <paramref name="count"/> contacts that do not show their latest login: the date expected and found, and
    /// the ledger row of the event that carries the latest one (status, attempts, last error).
    /// </summary>
    public static async Task<List<string>> ExplainWrongAsync(Portal portal, Workload workload, Azure.Data.Tables.TableClient ledger, int count)
    {
        var lines = new List<string>();
        foreach (var (email, lastLogin, found) in Wrong(portal, workload).Where(wrong => wrong.LastLogin != long.MinValue))
        {
            var latest = workload.Events.Where(e => ((string)e["data"]!["user_name"]!).Equals(email, StringComparison.OrdinalIgnoreCase)
                && DateTimeOffset.Parse((string)e["data"]!["date"]!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() == lastLogin)
                .Select(e => (string)e["log_id"]!).First();
            var rows = new List<string>();
            await foreach (var row in ledger.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"SourceId eq {latest}")))
            {
                rows.Add($"{row.GetString("Status")} attempts {row.GetInt32("Attempts")} duplicates {row.GetInt32("DuplicatesSeen")} updated {row.GetDateTimeOffset("UpdatedAt"):O} error '{row.GetString("LastError")}'");
            }

            lines.Add($"{latest}: expected {lastLogin}, found {found}; ledger: {(rows.Count == 0 ? "no row" : string.Join(" | ", rows))}");
            if (lines.Count == count)
            {
                break;
            }
        }

        return lines;
    }

    /// <summary>Contacts that do not yet show what the workload says they must.</summary>
    public static int Missing(Portal portal, Workload workload) => Wrong(portal, workload).Count();

    /// <summary>Each contact that does not show what the workload says: the login it must show and what it shows.</summary>
    private static IEnumerable<(string Email, long LastLogin, string Found)> Wrong(Portal portal, Workload workload)
    {
        foreach (var (email, lastLogin) in workload.LastLoginByEmail)
        {
            if (!portal.Contacts.TryGetValue(email, out var contact))
            {
                yield return (email, lastLogin, "no contact");
            }
            else if (lastLogin != long.MinValue
                && contact.Properties.GetValueOrDefault("last_login_date") is var found && found != lastLogin.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                yield return (email, lastLogin, found ?? "no login date");
            }
        }
    }
}
