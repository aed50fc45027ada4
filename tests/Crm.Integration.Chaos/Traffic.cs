using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Benchmark;
using Crm.Integration.Testing;

namespace Crm.Integration.Chaos;

/// <summary>
/// Sends a scenario's traffic as its producers do: Auth0 posts batches and sends a delivery again while the hub answers
/// 5xx or does not answer (bounded here); the platform's publishers retry until the broker takes the message.
/// </summary>
internal sealed class Traffic(Uri hub, TestStack stack)
{
    private static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(120);
    private int _batchesDone;

    public int BatchesDone => Volatile.Read(ref _batchesDone);

    /// <summary>Good events the hub answered 2xx for.</summary>
    public int Accepted;

    /// <summary>Good events never accepted within the bound (Auth0 would keep resending them); their missing effects count as lost.</summary>
    public int Refused;

    /// <summary>Bad entries sent, and those the webhook answered for with a reason (counted rejected, or a 4xx).</summary>
    public int BadSent;

    public int BadRejectedAtWebhook;

    /// <summary>Bad entries the webhook forwarded to the queue: they must end as a ledger <c>Rejected</c> row.</summary>
    public int BadForwarded;

    public List<string> Answers { get; } = [];

    /// <summary>Posts the Auth0 events in batches of 50 from four senders; <paramref name="twiceOutOfOrder"/>: every batch twice, in shuffled order, the second time reversed.</summary>
    public async Task PostAuth0Async(IReadOnlyList<JsonObject> events, bool twiceOutOfOrder)
    {
        var batches = events.Chunk(50).Select(b => b.ToList()).ToList();
        var deliveries = batches.Select(b => (Events: b, Counted: true)).ToList();
        if (twiceOutOfOrder)
        {
            deliveries.AddRange(batches.Select(b => (Events: Enumerable.Reverse(b).ToList(), Counted: false)));
            var random = new Random(14);
            deliveries = deliveries.OrderBy(_ => random.Next()).ToList();
        }

        var next = -1;
        using var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(30) };
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < deliveries.Count)
            {
                var (batch, counted) = deliveries[index];
                var body = Encoding.UTF8.GetBytes(new JsonArray(batch.Select(e => (JsonNode)e.DeepClone()).ToArray()).ToJsonString());
                var (status, _) = await PostAsync(http, () => Drivers.LogStreamPost(body), RetryFor);
                if (counted)
                {
                    Interlocked.Add(ref status is >= 200 and < 300 ? ref Accepted : ref Refused, batch.Count);
                }

                Interlocked.Increment(ref _batchesDone);
            }
        }));
    }

    /// <summary>One delivery holding <paramref name="bad"/> bad entries and <paramref name="good"/> good ones; the answer sorts the bad ones.</summary>
    public async Task PostMixedAsync(string what, Func<HttpRequestMessage> request, int bad, int good)
    {
        using var http = new HttpClient { BaseAddress = hub, Timeout = TimeSpan.FromSeconds(60) };
        var (status, answer) = await PostAsync(http, request, TimeSpan.FromSeconds(15));
        BadSent += bad;
        var rejected = 0;
        if (status == 200 && JsonNode.Parse(answer) is JsonObject counts)
        {
            rejected = Math.Min(bad, (int?)counts["rejected"] ?? 0);
            BadForwarded += bad - rejected;
        }
        else if (status is >= 400 and < 500)
        {
            rejected = bad;
        }

        BadRejectedAtWebhook += rejected;
        Interlocked.Add(ref status is >= 200 and < 300 ? ref Accepted : ref Refused, good);
        lock (Answers)
        {
            Answers.Add($"{what}: {status} {Bound(answer)}");
        }
    }

    /// <summary>Publishes to the platform-events queue, reconnecting while the broker is away (bounded).</summary>
    public async Task PublishAsync(IEnumerable<(string Id, JsonObject Body)> events)
    {
        RawAmqp? raw = null;
        try
        {
            foreach (var (id, body) in events)
            {
                var waited = Stopwatch.StartNew();
                while (true)
                {
                    try
                    {
                        raw ??= await RawAmqp.ConnectAsync(stack);
                        await raw.SendAsync("platform-events", RawAmqp.JsonMessage(id, null, Encoding.UTF8.GetBytes(body.ToJsonString())));
                        Interlocked.Increment(ref Accepted);
                        break;
                    }
                    catch (Exception ex) when (ex is Amqp.AmqpException or System.Net.Sockets.SocketException or ObjectDisposedException or TimeoutException or IOException)
                    {
                        if (raw is not null)
                        {
                            await raw.DisposeAsync();
                            raw = null;
                        }

                        if (waited.Elapsed > RetryFor)
                        {
                            Interlocked.Increment(ref Refused);
                            break;
                        }

                        await Task.Delay(1000);
                    }
                }
            }
        }
        finally
        {
            if (raw is not null)
            {
                await raw.DisposeAsync();
            }
        }
    }

    /// <summary>Sends until a 2xx or 4xx (final) answer, or the time is up; 5xx, timeouts and refused connections are retried a second later.</summary>
    private static async Task<(int Status, string Body)> PostAsync(HttpClient http, Func<HttpRequestMessage> request, TimeSpan retryFor)
    {
        var waited = Stopwatch.StartNew();
        var last = (Status: 0, Body: "no answer");
        do
        {
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message);
                last = ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
                if (response.StatusCode < HttpStatusCode.InternalServerError)
                {
                    return last;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = (0, ex.GetType().Name);
            }

            await Task.Delay(1000);
        }
        while (waited.Elapsed < retryFor);
        return last;
    }

    private static string Bound(string text) => text.Length <= 160 ? text : text[..160] + "…";
}
