using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Crm.Integration.Benchmark;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// The benchmark of issue 6: how close the hub comes to HubSpot's ceiling, and what it costs. See README, "Benchmark".
var settings = BenchmarkSettings.Parse(args);
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning"); // the in-process simulator: no log per request
var stack = TestStack.BenchmarkOn(settings.AmqpPort, settings.TablePort);
const string HubSpotToken = "bench-hubspot-token";
var hubPort = settings.HubPort;

Console.WriteLine($"[bench] stack up (AMQP {stack.AmqpPort}, tables {stack.TablePort}); simulator at {settings.Limit} requests / 10 s, {settings.HubSpotLatencyMs} ms per call");
await stack.PurgeAsync();
await stack.UpAsync();
await using var storage = await StorageRequestCounter.StartAsync(stack.TablePort);
await using var simulator = await RunningSimulator.StartAsync(o =>
{
    o.AccessToken = HubSpotToken;
    o.TenSecondlyLimit = settings.Limit;
    o.LatencyMilliseconds = settings.HubSpotLatencyMs;
});
var report = new JsonObject { ["settings"] = System.Text.Json.JsonSerializer.SerializeToNode(settings) };
var run = $"b{Guid.NewGuid():N}"[..9];

// 1. Ingest and drain: the whole workload as fast as the webhook takes it, then until HubSpot shows all of it.
var tables = $"Bench{run}";
await SeedTemplateAsync();
var workload = Workload.Generate(settings.Events, seed: 42, run);
var latencyRows = new List<double>();
await using (var hub = await HubProcess.StartAsync(hubPort, HubSettings(tables, batching: true)))
{
    // --replicas N: N hub processes on one stack, as N replicas of one deployment spending one portal's budget. The
    // webhook traffic goes to the first; the queues are drained by all of them.
    await using var otherReplicas = await ReplicasAsync(hub, settings.Replicas - 1);
    await Drivers.WarmUpAsync(hub.Address, run, settings.Senders);
    var cpuBefore = hub.CpuTime + otherReplicas.CpuTime;
    // What the stack's own services spend over the drain: Azurite is one Node thread, so near a second per second it binds.
    var azuritePid = Path.Combine(stack.Home, "azurite", "azurite.pid");
    var brokerPid = Path.Combine(stack.Home, "rabbitmq", "rabbit.pid");
    var (azuriteBefore, brokerBefore) = (ProcessCpu.OfPidFile(azuritePid), ProcessCpu.OfPidFile(brokerPid));
    var (storageBefore, storageKindsBefore) = (storage.Requests, storage.ByKind());
    await using var sampler = ReplicaSampler.Start([hub.Address, .. otherReplicas.Addresses]);
    var clock = Stopwatch.StartNew();
    var emails = Drivers.PublishEmailsAsync(stack, run, settings.Emails);
    var ingest = await Drivers.IngestAsync(hub.Address, workload.Events, settings.Senders);
    await emails;
    var ingested = clock.Elapsed;
    Console.WriteLine($"[bench] ingested {workload.Events.Count} events in {ingested.TotalSeconds:F1} s; draining");

    // While the backlog drains: the webhook at the target rate, with logins older than the workload's own (they must
    // be taken and recorded, and change no contact).
    var late = workload.LateLogins(settings.PacedRate * settings.PacedSeconds);
    var paced = late.Count > 0 ? await Drivers.PaceAsync(hub.Address, late, settings.PacedRate) : ([], 0);
    Console.WriteLine($"[bench] {late.Count} late logins at {settings.PacedRate}/s beside the drain");
    while (Drivers.Missing(simulator.Portal, workload) > 0 || simulator.Portal.Emails.Count < settings.Emails)
    {
        NotDrainedAfterAnHour();
        await Task.Delay(250);
    }

    // The late logins change no contact: the ledger tells when the hub has handled them all.
    var ledger = new Azure.Data.Tables.TableClient(stack.TableConnectionString, tables);
    while (await Drivers.SettledAsync(ledger, $"{run}-late-") < late.Count)
    {
        NotDrainedAfterAnHour();
        await Task.Delay(1000);
    }

    void NotDrainedAfterAnHour()
    {
        if (clock.Elapsed > TimeSpan.FromMinutes(settings.DrainMinutes))
        {
            // What the ledger says about the latest login of a few contacts that do not show it: the first clue to a fault.
            foreach (var line in Drivers.ExplainWrongAsync(simulator.Portal, workload, new Azure.Data.Tables.TableClient(stack.TableConnectionString, tables), 10).GetAwaiter().GetResult())
            {
                Console.WriteLine($"[bench] wrong: {line}");
            }

            throw new TimeoutException($"Not drained after {settings.DrainMinutes} min: {Drivers.Missing(simulator.Portal, workload)} contacts missing, {simulator.Portal.Emails.Count} emails, {System.Text.Json.JsonSerializer.SerializeToNode(simulator.Portal.Traffic.Snapshot())!["throttled"]} 429s.");
        }
    }

    var drained = clock.Elapsed;
    var (replicaBudget, replicaRows) = await sampler.StopAsync();
    var (azuriteCpu, brokerCpu) = (ProcessCpu.OfPidFile(azuritePid) - azuriteBefore, ProcessCpu.OfPidFile(brokerPid) - brokerBefore);
    var hubCpuOverDrain = hub.CpuTime + otherReplicas.CpuTime - cpuBefore;
    var storageRequests = storage.Requests - storageBefore;
    var traffic = simulator.Portal.Traffic.Snapshot();
    var drainRss = Math.Max(hub.PeakRssBytes, otherReplicas.PeakRssBytes);
    Console.WriteLine($"[bench] drained in {drained.TotalSeconds:F1} s; measuring latency without a backlog");
    latencyRows = await MeasureLatencyAsync(hub.Address, run);
    report["ingest"] = Ingest(ingest);
    report["webhookAtRate"] = new JsonObject
    {
        ["eventsPerSecond"] = settings.PacedRate,
        ["seconds"] = settings.PacedSeconds,
        ["batches"] = paced.LatenciesMs.Count,
        ["batchP50Ms"] = Math.Round(Percentiles.Of(paced.LatenciesMs, 50), 1),
        ["batchP99Ms"] = Math.Round(Percentiles.Of(paced.LatenciesMs, 99), 1),
        ["refusedBatches"] = paced.Refused,
    };
    report["drain"] = Drain(traffic, drained, workload, late.Count);
    // Every request the hub made to the table endpoint from the first event in until the last was settled, per event.
    report["drain"]!["storageRequests"] = storageRequests;
    // The same requests by method, table (the run id as `*`) and status: a date guard's 412s, reads, transactions.
    report["drain"]!["storageRequestsByKind"] = new JsonObject(storage.ByKind()
        .Select(k => (Kind: k.Key.Replace(tables, "Bench*", StringComparison.Ordinal), Count: k.Value - storageKindsBefore.GetValueOrDefault(k.Key)))
        .Where(k => k.Count > 0)
        .GroupBy(k => k.Kind, StringComparer.Ordinal)
        .OrderByDescending(g => g.Sum(k => k.Count))
        .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Sum(k => k.Count))));
    report["drain"]!["storageRequestsPerEvent"] = Math.Round(storageRequests / (double)(workload.Events.Count + late.Count), 3);
    var storageRequestsPerSecond = storageRequests / drained.TotalSeconds;
    report["drain"]!["storageRequestsPerSecond"] = Math.Round(storageRequestsPerSecond, 1);
    Console.WriteLine("[bench] measuring Azurite's own ceiling (a plain table load, nothing else on it)");
    report["storageCeiling"] = await StorageCeiling.MeasureAsync(stack.TableConnectionString, TimeSpan.FromSeconds(10), storageRequestsPerSecond);
    report["latency"] = new JsonObject
    {
        ["events"] = latencyRows.Count,
        ["ratePerSecond"] = settings.LatencyRate,
        ["p50Ms"] = Percentiles.Of(latencyRows, 50),
        ["p99Ms"] = Percentiles.Of(latencyRows, 99),
    };
    report["cost"] = new JsonObject
    {
        ["peakRssMb"] = Math.Round(drainRss / 1048576.0, 1),
        ["peakRssMbWholeRun"] = Math.Round(hub.PeakRssBytes / 1048576.0, 1),
        ["cpuSeconds"] = Math.Round((hub.CpuTime + otherReplicas.CpuTime - cpuBefore).TotalSeconds, 1),
        // Over the drain only (cpuSeconds runs on to the end of the latency phase).
        ["hubCpuSecondsOverDrain"] = Math.Round(hubCpuOverDrain.TotalSeconds, 1),
        ["azuriteCpuSecondsOverDrain"] = azuriteCpu is { } a ? Math.Round(a.TotalSeconds, 1) : null,
        ["azuriteCoresOverDrain"] = azuriteCpu is { } b ? Math.Round(b.TotalSeconds / drained.TotalSeconds, 2) : null,
        ["brokerCpuSecondsOverDrain"] = brokerCpu is { } c ? Math.Round(c.TotalSeconds, 1) : null,
    };
    report["replicaBudget"] = replicaBudget;
    report["replicaRows"] = new JsonArray([.. replicaRows.Select(row => JsonValue.Create(row))]);
    report["correctness"] = Correctness(workload);
    report["perSecond"] = System.Text.Json.JsonSerializer.SerializeToNode(traffic)!["perSecond"]!.DeepClone();
}

// 2. Baseline: the predecessor's way, one HubSpot call per event, for a fixed time; projected to the same workload.
Console.WriteLine($"[bench] baseline: one call per event for {settings.BaselineSeconds} s");
using (var reset = await simulator.Client.PostAsync("/_simulator/reset", null))
{
    reset.EnsureSuccessStatusCode();
}

var baselineRun = $"{run}x";
var baselineWorkload = Workload.Generate(Math.Min(settings.Events, settings.Limit / 10 * settings.BaselineSeconds * 4), seed: 7, baselineRun);
await using (var hub = await HubProcess.StartAsync(hubPort, HubSettings($"Bench{baselineRun}", batching: false)))
{
    await Drivers.IngestAsync(hub.Address, baselineWorkload.Events, settings.Senders);
    var started = simulator.Portal.Traffic.UpsertBatchSizes.Count;
    var clock = Stopwatch.StartNew();
    await Task.Delay(TimeSpan.FromSeconds(settings.BaselineSeconds));
    var written = simulator.Portal.Traffic.UpsertBatchSizes.Skip(started).Sum();
    var perSecond = written / clock.Elapsed.TotalSeconds;
    var handledEvents = workload.Events.Count;
    var projected = handledEvents / Math.Max(perSecond, 0.001);
    var batchedDrain = Report.Number(report["drain"]!["secondsUntilEmpty"]!);
    report["baseline"] = new JsonObject
    {
        ["contactWritesPerSecond"] = Math.Round(perSecond, 1),
        ["projectedSecondsForTheWorkload"] = Math.Round(projected),
        ["batchedSecondsForTheWorkload"] = Math.Round(batchedDrain, 1),
        ["speedup"] = Math.Round(projected / batchedDrain, 1),
    };
}

await stack.PurgeAsync();
var folder = Report.Write(report, settings);
Console.WriteLine($"[bench] report: {folder}");
return;

Dictionary<string, string> HubSettings(string table, bool batching)
{
    var values = new Dictionary<string, string>
    {
        ["Secrets:Auth0LogStreamToken"] = Drivers.LogStreamToken,
        ["Secrets:HubSpotAccessToken"] = HubSpotToken,
        ["HubSpot:BaseAddress"] = simulator.BaseAddress.ToString(),
        ["HubSpot:RequestsPerTenSeconds"] = settings.Limit.ToString(CultureInfo.InvariantCulture),
        ["Storage:ConnectionString"] = storage.ConnectionStringFor(stack.TableConnectionString, stack.TablePort),
        ["Storage:NotificationsTable"] = table,
        ["Storage:LookupsTable"] = table + "Lookups",
        ["Storage:ContactDatesTable"] = table + "Dates",
        ["Storage:EmailTemplatesTable"] = "BenchTemplates",
        // The replicas of one phase split the budget; the next phase's hub must not count them among its own.
        ["Storage:ReplicasTable"] = table + "Replicas",
        // The replica sampler reads each replica's budget gauges from here.
        ["Telemetry:PrometheusEndpoint"] = "true",
    };
    foreach (var (key, value) in stack.BrokerSettings())
    {
        values[key] = value!;
    }

    foreach (var (key, value) in settings.HubSettings)
    {
        values[key] = value;
    }

    if (!batching)
    {
        values["HubSpot:MaxBatchSize"] = "1";
        values["ContactBatching:Coalesce"] = "false";
    }

    return values;
}

async Task<HubReplicas> ReplicasAsync(HubProcess first, int count)
{
    var replicas = new HubReplicas();
    for (var i = 1; i <= count; i++)
    {
        replicas.Add(await HubProcess.StartAsync(FreePorts.Next(), HubSettings(tables, batching: true), $"bench-hub-{i}.log"));
    }

    if (count > 0)
    {
        // A replica arriving beside others spends nothing for a heartbeat and HubSpot's window: let the shares settle first.
        Console.WriteLine($"[bench] {count + 1} replicas; waiting for their budget shares to settle");
        await Drivers.SharesSettledAsync([first.Address, .. replicas.Addresses], settings.Limit);
    }

    return replicas;
}

async Task SeedTemplateAsync()
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = stack.TableConnectionString,
        ["Storage:EmailTemplatesTable"] = "BenchTemplates",
    }).Build();
    await using var provider = new ServiceCollection().AddLogging().AddTableStorage(configuration).BuildServiceProvider();
    await provider.GetRequiredService<IEmailTemplateAdmin>().PutAsync(
        new EmailTemplate("bench_welcome", 4242, "Platform <hello@platform.example>", [], [], [],
            [new TemplateProperty("firstname", true)], [new TemplateProperty("activation_url", true)]));
}

async Task<List<double>> MeasureLatencyAsync(Uri hub, string latencyRun)
{
    using var http = new HttpClient { BaseAddress = hub };
    var accepted = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
    var interval = TimeSpan.FromSeconds(1.0 / settings.LatencyRate);
    var clock = Stopwatch.StartNew();
    for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(settings.LatencySeconds); i++)
    {
        var email = $"steady.{latencyRun}.{i}@example.com";
        var body = new JsonArray(Workload.Event($"{latencyRun}-steady-{i}", "s", TimeProvider.System.GetUtcNow(), $"auth0|steady-{i}", email)).ToJsonString();
        using var request = Drivers.LogStreamPost(System.Text.Encoding.UTF8.GetBytes(body));
        using var response = await http.SendAsync(request);
        accepted[email] = TimeProvider.System.GetUtcNow();
        var due = interval * (i + 1) - clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }
    }

    var deadline = Stopwatch.StartNew();
    while (accepted.Keys.Any(e => !simulator.Portal.Contacts.ContainsKey(e)) && deadline.Elapsed < TimeSpan.FromMinutes(2))
    {
        await Task.Delay(100);
    }

    return accepted.Where(a => simulator.Portal.Contacts.ContainsKey(a.Key))
        .Select(a => (simulator.Portal.Contacts[a.Key].CreatedAt - a.Value).TotalMilliseconds)
        .ToList();
}

JsonObject Ingest((List<double> LatenciesMs, TimeSpan Elapsed, int Refused) ingest) => new()
{
    ["events"] = workload.Events.Count,
    ["senders"] = settings.Senders,
    ["seconds"] = Math.Round(ingest.Elapsed.TotalSeconds, 2),
    ["eventsPerSecond"] = Math.Round(workload.Events.Count / ingest.Elapsed.TotalSeconds),
    ["batchP50Ms"] = Math.Round(Percentiles.Of(ingest.LatenciesMs, 50), 1),
    ["batchP99Ms"] = Math.Round(Percentiles.Of(ingest.LatenciesMs, 99), 1),
    ["refusedBatches"] = ingest.Refused,
};

JsonObject Drain(object traffic, TimeSpan drained, Workload drainedWorkload, int lateLogins)
{
    var snapshot = System.Text.Json.JsonSerializer.SerializeToNode(traffic)!;
    // From the first budget call to the last: the exempt single-sends have a time of their own (emailsPerSecond).
    var budget = BudgetUse.Of(snapshot, settings.Limit);
    var (budgetCalls, activeSeconds, allowed) = (budget.Calls, budget.ActiveSeconds, budget.Allowed);
    // The drain's own writes, as the snapshot taken when it ended holds them (the latency phase writes more after).
    var batchSizes = snapshot["upsertBatchSizes"]!.AsArray().Select(size => (int)size!).ToList();
    var written = batchSizes.Sum();
    var emailTimes = simulator.Portal.Emails.Select(e => e.RequestedAt).ToList();
    var emailSeconds = emailTimes.Count < 2 ? 1 : (emailTimes.Max() - emailTimes.Min()).TotalSeconds;
    return new JsonObject
    {
        ["events"] = drainedWorkload.Events.Count + lateLogins,
        ["lateLogins"] = lateLogins,
        ["contacts"] = drainedWorkload.LastLoginByEmail.Count,
        ["emails"] = settings.Emails,
        ["secondsUntilEmpty"] = Math.Round(drained.TotalSeconds, 1),
        ["secondsOfHubSpotTraffic"] = activeSeconds,
        ["hubSpotCallsMade"] = budgetCalls,
        ["hubSpotCallsAllowed"] = Math.Round(allowed),
        ["budgetUtilisation"] = Math.Round(budget.Utilisation, 3),
        ["throttled429"] = Report.Number(snapshot["throttled"]!),
        ["throttledShare"] = budgetCalls == 0 ? 0 : Math.Round(Report.Number(snapshot["throttled"]!) / budgetCalls, 4),
        ["contactWrites"] = written,
        ["contactWritesPerSecond"] = Math.Round(written / (double)activeSeconds, 1),
        ["ceilingContactWritesPerSecond"] = settings.Limit * 10,
        ["meanBatchSize"] = Math.Round(batchSizes.DefaultIfEmpty().Average(), 1),
        ["emailsPerSecond"] = Math.Round(emailTimes.Count / emailSeconds, 1),
        // Which endpoints the budget went to (the single-send path is exempt), to tell the calls of a drain's tail apart.
        ["callsByPath"] = CallsByEndpoint(snapshot["byPath"]!.AsObject()),
    };
}

// Calls per endpoint: the path with a send's status id (one path per email) written as its template.
static JsonObject CallsByEndpoint(JsonObject byPath)
{
    const string statuses = "/marketing/v3/email/send-statuses/";
    var endpoints = byPath
        .GroupBy(p => p.Key.StartsWith(statuses, StringComparison.Ordinal) ? statuses + "{statusId}" : p.Key, StringComparer.Ordinal)
        .OrderBy(g => g.Key, StringComparer.Ordinal);
    return new JsonObject(endpoints.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Sum(p => (int)p.Value!))));
}

JsonObject Correctness(Workload checkedWorkload)
{
    var sendIds = simulator.Portal.Emails.Select(e => e.SendId).ToList();
    return new JsonObject
    {
        ["contactsMissingOrWrong"] = Drivers.Missing(simulator.Portal, checkedWorkload),
        ["emailsSent"] = sendIds.Count,
        ["emailsSentTwice"] = sendIds.Count - sendIds.Distinct().Count(),
    };
}
