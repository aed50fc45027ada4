using System.Diagnostics;

namespace Crm.Integration.Testing;

/// <summary>
/// A local stack for tests, started through <c>scripts/stack.sh</c> on ports of its own so that it never meets the
/// developer's stack (5672/10002). <see cref="Shared"/> serves every test; the others are brokers that one test
/// assembly each stops, starts and kicks on purpose (with Azurite on a port of their own that nobody starts).
/// </summary>
public sealed class TestStack
{
    /// <summary>The stack every test shares; <c>CRM_TEST_AMQP_PORT</c> and <c>CRM_TEST_TABLE_PORT</c> move it, so that two
    /// checkouts can run their suites side by side.</summary>
    public static readonly TestStack Shared = new("test", amqpPort: PortFromEnvironment("CRM_TEST_AMQP_PORT", 5673),
        tablePort: PortFromEnvironment("CRM_TEST_TABLE_PORT", 10012));

    public static readonly TestStack ConnectorsBroker = new("test-connectors-broker", amqpPort: 5674, tablePort: 10014);

    public static readonly TestStack EndToEndBroker = new("test-e2e-broker", amqpPort: 5675, tablePort: 10015);

    /// <summary>The benchmark's stack: broker and Azurite of its own, purged after each run.</summary>
    public static readonly TestStack Benchmark = new("bench", amqpPort: 5680, tablePort: 10020);

    /// <summary>The benchmark's stack on other ports (a second checkout benchmarking beside the first), in a folder of its own.</summary>
    public static TestStack BenchmarkOn(int amqpPort, int tablePort) =>
        amqpPort == Benchmark.AmqpPort && tablePort == Benchmark.TablePort ? Benchmark : new($"bench-{amqpPort}-{tablePort}", amqpPort, tablePort);

    /// <summary>The chaos suite's stack, which it kills and restarts on purpose; <c>CHAOS_AMQP_PORT</c> and <c>CHAOS_TABLE_PORT</c> move it.</summary>
    public static readonly TestStack Chaos = new("chaos", amqpPort: PortFromEnvironment("CHAOS_AMQP_PORT", 5695),
        tablePort: PortFromEnvironment("CHAOS_TABLE_PORT", 10035));

    private TestStack(string name, int amqpPort, int tablePort)
    {
        Home = Path.Combine(RepositoryPaths.Root, ".stack", name);
        AmqpPort = amqpPort;
        TablePort = tablePort;
    }

    private static int PortFromEnvironment(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : fallback;

    public string Home { get; }

    public int AmqpPort { get; }

    public int TablePort { get; }

    /// <summary>Azurite's well-known development account on this stack's port.</summary>
    public string TableConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>
    /// How a host reaches this stack's broker, and the hub's queues on it, as settings. The hub has no local defaults
    /// (it fails closed), so every test that starts one says where the broker is.
    /// </summary>
    public Dictionary<string, string?> BrokerSettings(int? port = null) => new()
    {
        ["ServiceBus:Host"] = "127.0.0.1",
        ["ServiceBus:Port"] = (port ?? AmqpPort).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ServiceBus:KeyName"] = "guest",
        ["ServiceBus:Key"] = "guest",
        ["ServiceBus:Entities:auth0-log-events"] = RawAmqp.QueueAddress("auth0-log-events"),
        ["ServiceBus:Entities:platform-events"] = RawAmqp.QueueAddress("platform-events"),
    };

    public Task UpAsync(params string[] components) => RunAsync("up", components);

    public Task DownAsync(params string[] components) => RunAsync("down", components);

    /// <summary>Stops the stack and deletes its data.</summary>
    public Task PurgeAsync() => RunAsync("down", [], purge: true);

    /// <summary>Closes every client connection to this stack's broker, as a broker-side failure would.</summary>
    public Task KickAsync() => RunAsync("kick", []);

    private async Task RunAsync(string command, string[] components, bool purge = false)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryPaths.Root, "scripts", "stack.sh"));
        start.ArgumentList.Add(command);
        foreach (var component in components)
        {
            start.ArgumentList.Add(component);
        }

        start.Environment["STACK_HOME"] = Home;
        start.Environment["AMQP_PORT"] = AmqpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["TABLE_PORT"] = TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["STACK_EXTRA_DEFINITIONS"] = Path.Combine(RepositoryPaths.Root, "tests", "stack", "test-queues.json");
        if (purge)
        {
            start.Environment["STACK_PURGE"] = "1";
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/stack.sh {command} {string.Join(' ', components)} failed ({process.ExitCode}):\n{await output}\n{await errors}");
        }
    }
}
