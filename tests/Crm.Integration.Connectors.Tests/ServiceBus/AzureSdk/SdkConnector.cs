using Azure.Core;
using Azure.Messaging.ServiceBus;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing.ServiceBusDouble;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.Tests.ServiceBus.AzureSdk;

/// <summary>The connector on its Azure transport, as the host wires it, pointed at a Service Bus double.</summary>
internal sealed class SdkConnector : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    /// <param name="credential">When set: the namespace + token-credential path (the double over TLS); otherwise the connection string.</param>
    public SdkConnector(ServiceBusDouble serviceBus, IEnumerable<string> entities, int maxConcurrentCalls = 4, TimeSpan? maxAutoLockRenewal = null, TokenCredential? credential = null, string? connectionString = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ServiceBus:Transport"] = "AzureServiceBus",
            [$"{ServiceBusTriggerOptions.SectionName}:maxConcurrentCalls"] = maxConcurrentCalls.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"{ServiceBusTriggerOptions.SectionName}:maxAutoLockRenewalDuration"] = (maxAutoLockRenewal ?? TimeSpan.FromMinutes(5)).ToString(),
        };
        if (credential is null)
        {
            settings["ServiceBus:ConnectionString"] = connectionString ?? serviceBus.ConnectionString;
        }
        else
        {
            settings["ServiceBus:FullyQualifiedNamespace"] = "double.servicebus.windows.net";
        }

        foreach (var entity in entities)
        {
            settings[$"ServiceBus:Entities:{entity}"] = entity;
        }

        var services = new ServiceCollection()
            .AddLogging(b => b.AddConsole().SetMinimumLevel(LogLevel.Information).AddFilter("Azure", LogLevel.Warning))
            .AddServiceBus(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        // Fast retries: a test waits for recovery, not for production backoff.
        services.PostConfigureAll<ServiceBusClientOptions>(o =>
        {
            o.RetryOptions.Delay = TimeSpan.FromMilliseconds(100);
            o.RetryOptions.MaxDelay = TimeSpan.FromSeconds(1);
            o.RetryOptions.TryTimeout = TimeSpan.FromSeconds(10);
            if (credential is not null)
            {
                o.CustomEndpointAddress = new Uri($"sb://127.0.0.1:{serviceBus.Port}");
                o.CertificateValidationCallback = (_, _, _, _) => true;
            }
        });
        if (credential is not null)
        {
            services.AddSingleton(credential);
        }

        _provider = services.BuildServiceProvider(validateScopes: true);
    }

    public IQueueSender Sender => _provider.GetRequiredService<IQueueSender>();

    public IQueueListener Listener => _provider.GetRequiredService<IQueueListener>();

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public async Task<HealthReport> ReadinessAsync() => await _provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
