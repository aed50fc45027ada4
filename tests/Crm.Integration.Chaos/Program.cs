using System.Diagnostics;
using System.Globalization;
using Crm.Integration.Benchmark;
using Crm.Integration.Chaos;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// The chaos suite of issue 14: the real stack, the hub as a process, one fault per scenario, the invariants after each.
// See README, "Chaos". Last line: "chaos: <N> scenarios, lost <L>, duplicate emails <D>, stuck <S>".
var options = ChaosOptions.Parse(args);
Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning"); // the in-process simulator: no log per request
var stack = TestStack.Chaos;
const string HubSpotToken = "chaos-hubspot-token";
var hubPort = int.Parse(Environment.GetEnvironmentVariable("CHAOS_HUB_PORT") ?? "7691", CultureInfo.InvariantCulture);
var folder = Path.Combine(RepositoryPaths.Root, options.Output, "chaos-" + TimeProvider.System.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
Directory.CreateDirectory(folder);
var hubPidFile = Path.Combine(RepositoryPaths.Root, ".stack", "chaos-hub.pid");

Console.WriteLine($"[chaos] stack up (AMQP {stack.AmqpPort}, tables {stack.TablePort}); hub on {hubPort}; {(options.Quick ? "quick" : "full")} workload: {options.Auth0Events} Auth0 events, {options.Emails} emails, {options.TaskSignups} task signups; HubSpot limit {options.Limit} / 10 s");
await stack.PurgeAsync();
await stack.UpAsync();
await using var simulator = await RunningSimulator.StartAsync(o =>
{
    o.AccessToken = HubSpotToken;
    o.TenSecondlyLimit = options.Limit;
    o.LatencyMilliseconds = 20;
});
using var auth0 = new Auth0Stub();
await SeedTemplateAsync();

var scenarios = options.SelfCheck ? [Scenario.SelfCheck()] : Scenario.All(options).Where(s => options.Only.Count == 0 || options.Only.Contains(s.Name)).ToList();
var results = new List<ScenarioResult>();
try
{
    foreach (var scenario in scenarios)
    {
        results.Add(await RunScenarioAsync(scenario, results.Count));
        var r = results[^1];
        Console.WriteLine($"[chaos] {r.Scenario}: sent {r.EventsSent}, contacts {r.ContactsCorrect}/{r.ContactsExpected}, lost {r.Lost}, duplicate emails {r.DuplicateEmails}, stuck {r.Stuck}, dead-letters {r.DeadLetters}, rejected {r.LedgerRejected}, recover {r.SecondsToRecover?.ToString("F1", CultureInfo.InvariantCulture) ?? "never"} s");
    }
}
finally
{
    await stack.PurgeAsync();
}

ChaosReport.Write(folder, options, results);
var lost = results.Sum(r => r.Lost);
var duplicates = results.Sum(r => r.DuplicateEmails);
var stuck = results.Sum(r => r.Stuck);
Console.WriteLine($"[chaos] report: {folder}");
if (options.SelfCheck)
{
    // The checker must see the contact it was shown to be missing: exactly one loss, nothing else.
    Console.WriteLine(lost == 1 ? "[chaos] self-check passed: the deleted contact was counted lost" : $"[chaos] self-check FAILED: lost {lost}, expected 1");
}

Console.WriteLine($"chaos: {results.Count} scenarios, lost {lost}, duplicate emails {duplicates}, stuck {stuck}");
return options.SelfCheck ? (lost == 1 && duplicates == 0 && stuck == 0 ? 0 : 1) : (lost + duplicates + stuck == 0 ? 0 : 1);

async Task<ScenarioResult> RunScenarioAsync(Scenario scenario, int index)
{
    var run = $"c{Guid.NewGuid():N}"[..9];
    var tables = string.Create(CultureInfo.InvariantCulture, $"Chaos{index}{run}");
    Console.WriteLine($"[chaos] {scenario.Name}: {scenario.Fault} (run {run})");
    using (var reset = await simulator.Client.PostAsync(new Uri("/_simulator/reset", UriKind.Relative), null))
    {
        reset.EnsureSuccessStatusCode();
    }

    await Invariants.DrainDeadLettersAsync(stack); // whatever an earlier scenario left is not this one's
    var workload = ChaosWorkload.Generate(run, options, scenario.ProfilesNeeded);
    HubProcess? hub = null;
    var hubLogs = new List<string>();
    var hubStarts = 0;
    async Task StartHub()
    {
        var log = Path.Combine(folder, $"hub-{scenario.Name}-{++hubStarts}.log");
        hubLogs.Add(log);
        hub = await HubProcess.StartAsync(hubPort, HubSettings(tables), Path.GetRelativePath(Path.Combine(RepositoryPaths.Root, ".stack"), log));
        await File.WriteAllTextAsync(hubPidFile, hub.ProcessId.ToString(CultureInfo.InvariantCulture));
    }

    async Task KillHub()
    {
        Console.WriteLine($"[chaos] kill -9 the hub (pid {hub!.ProcessId})");
        await hub.KillAsync();
        await hub.DisposeAsync();
    }

    await StartHub();
    var chaos = new ChaosRun(stack, simulator.Client, auth0, StartHub, KillHub) { Workload = workload };
    var traffic = new Traffic(new Uri($"http://127.0.0.1:{hubPort}"), stack);
    chaos.Traffic = traffic;
    var clock = Stopwatch.StartNew();
    var auth0Batches = (workload.Auth0.Events.Count + 49) / 50 * (scenario.TwiceOutOfOrder ? 2 : 1);
    var send = Task.Run(async () =>
    {
        await traffic.PostAuth0Async(workload.Auth0.Events, scenario.TwiceOutOfOrder);
        await traffic.PublishAsync(workload.Emails);
        await traffic.PublishAsync(workload.Tasks.Select(t => (t.Id + "-event", t.Body)));
    });
    var fault = Task.Run(async () =>
    {
        var wait = Stopwatch.StartNew();
        while ((scenario.At == FaultAt.MidIngest ? traffic.BatchesDone < auth0Batches / 3 : !send.IsCompleted) && wait.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(100);
        }

        var started = clock.Elapsed;
        await scenario.Inject(chaos);
        return (Started: started, Ended: clock.Elapsed);
    });
    await send;
    var (faultStarted, faultEnded) = await fault;

    // Settle: until every effect is in HubSpot and every ledger row settled, within the bound.
    double? recovered = null;
    var settleDeadline = clock.Elapsed + options.SettleWithin;
    List<Invariants.LedgerRow> rows = [];
    var ledger = new Azure.Data.Tables.TableClient(stack.TableConnectionString, tables);
    while (clock.Elapsed < settleDeadline)
    {
        if (Invariants.Check(simulator.Portal, workload).Missing.Count == 0)
        {
            recovered ??= Math.Max(0, (clock.Elapsed - faultEnded).TotalSeconds);
            rows = await Invariants.ReadLedgerAsync(ledger);
            if (rows.All(Invariants.Settled))
            {
                break;
            }
        }

        await Task.Delay(1000);
    }

    if (scenario.Sabotage is { } sabotage)
    {
        await sabotage(chaos);
    }

    var effects = Invariants.Check(simulator.Portal, workload);
    rows = await Invariants.ReadLedgerAsync(ledger);
    var lost = Invariants.Lost(effects, workload, rows);
    var deadLetters = await Invariants.DrainDeadLettersAsync(stack);
    await hub!.DisposeAsync();
    await Task.Delay(500); // the log is written when the process's output ends
    var goodIds = workload.GoodIds();
    var rejected = rows.Where(r => r.Status == "Rejected").ToList();
    var badRejectedInLedger = rejected.Count(r => !goodIds.Contains(r.SourceId));
    var stuckRows = rows.Where(r => !Invariants.Settled(r)).ToList();
    return new ScenarioResult(
        scenario.Name,
        scenario.Fault,
        traffic.Accepted,
        effects.ContactsExpected,
        effects.ContactsCorrect,
        lost.Count,
        Invariants.DuplicateEmails(simulator.Portal),
        stuckRows.Count,
        deadLetters,
        rejected.Count,
        string.Join(", ", rejected.GroupBy(r => ReasonOf(r.LastError)).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}")),
        effects.Missing.Count == 0 ? recovered : null,
        traffic.BadSent,
        traffic.BadRejectedAtWebhook + Math.Min(traffic.BadForwarded, badRejectedInLedger),
        lost.Take(5).Select(l => Bound(l)).Concat(traffic.Refused > 0 ? [$"({traffic.Refused} good events never accepted by the webhook or the broker; their effects are among the lost)"] : []).ToList(),
        stuckRows.Take(5).Select(r => $"{Bound(r.SourceId)} {r.Status}: {Bound(r.LastError ?? "")}").ToList(),
        HubLogExcerpt(hubLogs),
        traffic.Answers);
}

static string ReasonOf(string? error) => error is null ? "(none)" : Bound(error.Split(':', 2)[0], 40);

static string Bound(string text, int length = 160)
{
    var clean = new string(text.Select(c => char.IsControl(c) ? '\u00b7' : c).ToArray());
    return clean.Length <= length ? clean : clean[..length] + "…";
}

// The hub's warnings and failures, grouped by their first line, with counts and one message each (bounded).
static List<string> HubLogExcerpt(IEnumerable<string> logs)
{
    var groups = new Dictionary<string, (int Count, string Example)>(StringComparer.Ordinal);
    var controlLines = 0;
    foreach (var log in logs.Where(File.Exists))
    {
        var lines = File.ReadLines(log).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Contains('\u001b', StringComparison.Ordinal))
            {
                controlLines++;
            }

            if (lines[i].StartsWith("fail:", StringComparison.Ordinal) || lines[i].StartsWith("warn:", StringComparison.Ordinal) || lines[i].StartsWith("crit:", StringComparison.Ordinal))
            {
                var head = lines[i];
                var message = i + 1 < lines.Count ? lines[i + 1].Trim() : "";
                groups[head] = (groups.GetValueOrDefault(head).Count + 1, groups.GetValueOrDefault(head).Example ?? Bound(message, 240));
            }
        }
    }

    var excerpt = groups.OrderByDescending(g => g.Value.Count).Take(8).Select(g => $"{g.Value.Count}× {Bound(g.Key, 120)} — {g.Value.Example}").ToList();
    if (controlLines > 0)
    {
        excerpt.Add($"{controlLines} log lines carry a raw ESC character (log injection)");
    }

    return excerpt;
}

Dictionary<string, string> HubSettings(string table)
{
    var values = new Dictionary<string, string>
    {
        ["Secrets:Auth0LogStreamToken"] = Drivers.LogStreamToken,
        ["Secrets:HubSpotAccessToken"] = HubSpotToken,
        ["HubSpot:BaseAddress"] = simulator.BaseAddress.ToString(),
        ["HubSpot:RequestsPerTenSeconds"] = options.Limit.ToString(CultureInfo.InvariantCulture),
        ["Storage:ConnectionString"] = stack.TableConnectionString,
        ["Storage:NotificationsTable"] = table,
        ["Storage:LookupsTable"] = table + "Lookups",
        ["Storage:ContactDatesTable"] = table + "Dates",
        ["Storage:EmailTemplatesTable"] = "ChaosTemplates",
        ["Auth0:BaseAddress"] = auth0.Url,
        ["Secrets:Auth0ManagementClientId"] = "chaos-client",
        ["Secrets:Auth0ManagementClientSecret"] = "chaos-secret",
        // Small batches, so that the workload makes a backlog to fault in the middle of (the quick one drains in seconds otherwise).
        ["HubSpot:MaxBatchSize"] = "10",
        ["PlatformEvents:ContactWaitDelay"] = "00:00:05",
        ["PlatformEvents:ContactWaitAttempts"] = "8",
        ["PlatformEvents:SendStatusFirstPoll"] = "00:00:00.200",
    };
    // The hub has no local defaults (it fails closed): the broker's address and login come from the stack.
    foreach (var (key, value) in stack.BrokerSettings())
    {
        values[key] = value!;
    }

    return values;
}

async Task SeedTemplateAsync()
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:ConnectionString"] = stack.TableConnectionString,
        ["Storage:EmailTemplatesTable"] = "ChaosTemplates",
    }).Build();
    await using var provider = new ServiceCollection().AddLogging().AddTableStorage(configuration).BuildServiceProvider();
    await provider.GetRequiredService<IEmailTemplateAdmin>().PutAsync(
        new EmailTemplate(ChaosWorkload.Template, 4242, "Platform <hello@platform.example>", [], [], [],
            [new TemplateProperty("firstname", true)], [new TemplateProperty("activation_url", true)]));
}
