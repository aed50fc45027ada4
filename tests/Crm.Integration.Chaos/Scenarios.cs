using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace Crm.Integration.Chaos;

/// <summary>When a fault starts: a third of the Auth0 batches in (mid-ingest), or once all traffic is in (mid-drain).</summary>
internal enum FaultAt { MidIngest, MidDrain }

/// <summary>One fault and how the traffic is sent; <see cref="Inject"/> starts, holds and ends the fault.</summary>
internal sealed record Scenario(string Name, string Fault, FaultAt At, Func<ChaosRun, Task> Inject)
{
    public bool TwiceOutOfOrder { get; init; }

    public bool ProfilesNeeded { get; init; }

    /// <summary>For --self-check: done after the settle, before the invariants are measured.</summary>
    public Func<ChaosRun, Task>? Sabotage { get; init; }

    public static IReadOnlyList<Scenario> All(ChaosOptions o) =>
    [
        new("baseline", "none", FaultAt.MidIngest, _ => Task.CompletedTask),
        new("broker-kill", "RabbitMQ kill -9 mid-ingest, restarted after 3 s", FaultAt.MidIngest, async run =>
        {
            run.KillListener(run.Stack.AmqpPort);
            await Task.Delay(3000);
            await run.Stack.UpAsync("rabbitmq");
        }),
        new("azurite-kill", "Azurite kill -9 mid-drain, restarted after 3 s", FaultAt.MidDrain, async run =>
        {
            run.KillListener(run.Stack.TablePort);
            await Task.Delay(3000);
            await run.Stack.UpAsync("azurite");
        }),
        new("hub-kill-twice", "hub kill -9 mid-batch, twice in a row", FaultAt.MidDrain, async run =>
        {
            await run.KillHubAsync();
            await run.StartHubAsync();
            await Task.Delay(3000);
            await run.KillHubAsync();
            await run.StartHubAsync();
        }),
        new("hubspot-5xx", string.Create(CultureInfo.InvariantCulture, $"HubSpot answers 503 to half the calls for {o.StormFor.TotalSeconds} s"), FaultAt.MidIngest, async run =>
        {
            await run.FaultsAsync(new { faultRate = 0.5 });
            await Task.Delay(o.StormFor);
            await run.FaultsAsync(new { faultRate = 0.0 });
        }),
        new("hubspot-429", string.Create(CultureInfo.InvariantCulture, $"HubSpot's limit cut to a fifth ({o.Limit / 5} / 10 s) for {o.StormFor.TotalSeconds * 1.5} s while draining"), FaultAt.MidDrain, async run =>
        {
            await run.FaultsAsync(new { tenSecondlyLimit = Math.Max(1, o.Limit / 5) });
            await Task.Delay(o.StormFor * 1.5);
            await run.FaultsAsync(new { tenSecondlyLimit = o.Limit });
        }),
        new("latency-spikes", "three spikes of 2 s latency on every HubSpot call (5 s each, 3 s apart)", FaultAt.MidIngest, async run =>
        {
            for (var spike = 0; spike < 3; spike++)
            {
                await run.FaultsAsync(new { latencyMilliseconds = 2000 });
                await Task.Delay(5000);
                await run.FaultsAsync(new { latencyMilliseconds = 20 });
                await Task.Delay(3000);
            }
        }),
        new("auth0-twice-out-of-order", "every Auth0 delivery sent twice, batches shuffled, second copy reversed", FaultAt.MidIngest, _ => Task.CompletedTask)
        {
            TwiceOutOfOrder = true,
        },
        new("auth0-management-down", string.Create(CultureInfo.InvariantCulture, $"Auth0 token and users endpoints 503 for {o.StormFor.TotalSeconds * 1.5} s; signups carry no email"), FaultAt.MidIngest, async run =>
        {
            run.Auth0.Down();
            await Task.Delay(o.StormFor * 1.5);
            run.Auth0.Up();
        })
        {
            ProfilesNeeded = true,
        },
        new("bad-input-burst", "issue 14's bad inputs, each in a delivery beside good logins, mid-ingest", FaultAt.MidIngest, run => BadInputs.SendAsync(run.Traffic, run.Workload)),
    ];

    /// <summary>The self-check: the baseline with one expected contact deleted from the simulator before the check, which must count it lost.</summary>
    public static Scenario SelfCheck() => new("self-check", "baseline, then one expected contact deleted in the simulator", FaultAt.MidIngest, _ => Task.CompletedTask)
    {
        Sabotage = async run =>
        {
            var email = run.Workload.Auth0.LastLoginByEmail.Keys.Order(StringComparer.Ordinal).First();
            using var deleted = await run.Simulator.DeleteAsync(new Uri($"/_simulator/contacts/{Uri.EscapeDataString(email)}", UriKind.Relative));
            deleted.EnsureSuccessStatusCode();
            Console.WriteLine($"[chaos] self-check: deleted contact {email} in the simulator");
        },
    };
}

/// <summary>What a scenario's fault can act on: the stack, the hub process, the simulator, the Auth0 stub.</summary>
internal sealed class ChaosRun(Crm.Integration.Testing.TestStack stack, HttpClient simulator, Auth0Stub auth0, Func<Task> startHub, Func<Task> killHub)
{
    public Crm.Integration.Testing.TestStack Stack => stack;

    public HttpClient Simulator => simulator;

    public Auth0Stub Auth0 => auth0;

    public Traffic Traffic { get; set; } = null!;

    public ChaosWorkload Workload { get; set; } = null!;

    public Task StartHubAsync() => startHub();

    public Task KillHubAsync() => killHub();

    public async Task FaultsAsync(object faults)
    {
        using var response = await simulator.PatchAsJsonAsync(new Uri("/_simulator/faults", UriKind.Relative), faults);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>SIGKILL to the process listening on the port (found with <c>ss</c>): exactly that broker or emulator, nothing else.</summary>
    public void KillListener(int port)
    {
        var ss = Process.Start(new ProcessStartInfo("ss", ["-Hltnp", $"sport = :{port}"]) { RedirectStandardOutput = true })!;
        var output = ss.StandardOutput.ReadToEnd();
        ss.WaitForExit();
        var pids = System.Text.RegularExpressions.Regex.Matches(output, @"pid=(\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Distinct().ToList();
        if (pids.Count == 0)
        {
            throw new InvalidOperationException($"Nothing listens on port {port}: {output}");
        }

        foreach (var pid in pids)
        {
            Console.WriteLine($"[chaos] kill -9 {pid} (listening on {port})");
            Process.GetProcessById(pid).Kill();
        }
    }
}
