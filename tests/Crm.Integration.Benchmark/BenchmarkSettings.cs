using System.Globalization;

namespace Crm.Integration.Benchmark;

/// <summary>The workload and the portal, from <c>--name value</c> arguments.</summary>
internal sealed record BenchmarkSettings(
    int Events = 100_000,
    int Emails = 500,
    int Senders = 8,
    int Limit = 100,
    int HubSpotLatencyMs = 100,
    int LatencySeconds = 30,
    int LatencyRate = 10,
    int BaselineSeconds = 60,
    int PacedRate = 5_000,
    int PacedSeconds = 6,
    int Replicas = 1,
    int DrainMinutes = 60,
    string Output = "bench-results",
    int AmqpPort = 5680,
    int TablePort = 10020,
    int HubPort = 7090)
{
    /// <summary>
    /// Extra settings for the hub process under test (<c>--hub-setting key=value</c>, repeatable), e.g.
    /// <c>AzureFunctionsJobHost:extensions:serviceBus:maxConcurrentCalls=500</c> or <c>DOTNET_gcServer=0</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> HubSettings { get; init; } = new Dictionary<string, string>();

    public static BenchmarkSettings Parse(string[] args)
    {
        var settings = new BenchmarkSettings();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            settings = args[i] switch
            {
                "--events" => settings with { Events = Int() },
                "--emails" => settings with { Emails = Int() },
                "--senders" => settings with { Senders = Int() },
                "--limit" => settings with { Limit = Int() },
                "--hubspot-latency-ms" => settings with { HubSpotLatencyMs = Int() },
                "--latency-seconds" => settings with { LatencySeconds = Int() },
                "--latency-rate" => settings with { LatencyRate = Int() },
                "--baseline-seconds" => settings with { BaselineSeconds = Int() },
                "--paced-rate" => settings with { PacedRate = Int() },
                "--paced-seconds" => settings with { PacedSeconds = Int() },
                "--replicas" => settings with { Replicas = Int() },
                "--drain-minutes" => settings with { DrainMinutes = Int() },
                "--output" => settings with { Output = value },
                "--amqp-port" => settings with { AmqpPort = Int() },
                "--table-port" => settings with { TablePort = Int() },
                "--hub-port" => settings with { HubPort = Int() },
                "--hub-setting" when value.Split('=', 2) is [var key, var setting] => settings with
                {
                    HubSettings = new Dictionary<string, string>(settings.HubSettings) { [key] = setting },
                },
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }

        return settings;
    }
}
