using Crm.Integration.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>The hub's host as Program.cs builds it, pointed at a test stack through ordinary settings.</summary>
public sealed class HubFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string Token = "e2e-log-stream-token";

    public const string HubSpotToken = "e2e-hubspot-token";

    public static Dictionary<string, string?> SettingsFor(TestStack broker, TestStack storage, string table, Uri? hubSpot = null) => new(broker.BrokerSettings())
    {
        ["Secrets:Auth0LogStreamToken"] = Token,
        ["Secrets:HubSpotAccessToken"] = HubSpotToken,
        ["HubSpot:BaseAddress"] = (hubSpot ?? new Uri("http://127.0.0.1:1")).ToString(),
        ["HubSpot:RetryBaseDelay"] = "00:00:00.050",
        ["ContactBatching:Window"] = "00:00:00.100",
        ["Storage:ConnectionString"] = storage.TableConnectionString,
        ["Storage:NotificationsTable"] = table,
        ["Storage:LookupsTable"] = table + "Lookups",
        ["Storage:ContactDatesTable"] = table + "Dates",
        ["Storage:EmailTemplatesTable"] = table + "Templates",
        // Leases, audits, usage and summaries too: a test hub reads back only what it wrote.
        ["Storage:OperationsTable"] = table + "Ops",
        // Each test hub stands for a portal of its own: hubs in one test process must not split one budget between them.
        ["Storage:ReplicasTable"] = table + "Replicas",
        ["ServiceBus:ConnectTimeout"] = "00:00:03",
        ["ServiceBus:MinReconnectDelay"] = "00:00:00.100",
        ["ServiceBus:MaxReconnectDelay"] = "00:00:01",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
