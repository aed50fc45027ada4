using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

/// <summary>The connector as the host wires it, pointed at a test broker, with the test queues as entities.</summary>
internal sealed class ServiceBusConnector : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public ServiceBusConnector(TestStack stack, int maxConcurrentCalls = 8, int prefetchCount = 0, int? port = null, ILoggerProvider? logs = null)
    {
        var settings = new Dictionary<string, string?>(stack.BrokerSettings(port))
        {
            ["ServiceBus:ConnectTimeout"] = "00:00:05",
            ["ServiceBus:SendTimeout"] = "00:00:10",
            ["ServiceBus:MinReconnectDelay"] = "00:00:00.100",
            ["ServiceBus:MaxReconnectDelay"] = "00:00:01",
            ["ServiceBus:Entities:missing"] = "/amq/queue/no-such-queue",
            [$"{ServiceBusTriggerOptions.SectionName}:maxConcurrentCalls"] = maxConcurrentCalls.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{ServiceBusTriggerOptions.SectionName}:prefetchCount"] = prefetchCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var queue in new[] { "sender", "complete", "abandon", "deadletter", "limit", "bodies", "restart", "deadletters" })
        {
            settings[$"ServiceBus:Entities:test-{queue}"] = RawAmqp.QueueAddress($"test-{queue}");
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _provider = new ServiceCollection().AddLogging(b =>
        {
            b.AddConsole().SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Information);
            if (logs is not null)
            {
                b.AddProvider(logs);
            }
        }).AddServiceBus(configuration).BuildServiceProvider(validateScopes: true);
    }

    public IQueueSender Sender => _provider.GetRequiredService<IQueueSender>();

    public IQueueListener Listener => _provider.GetRequiredService<IQueueListener>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public T GetKeyed<T>(string key)
        where T : notnull => _provider.GetRequiredKeyedService<T>(key);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
