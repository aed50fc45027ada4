using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests.Telemetry;

/// <summary>
/// A hub on the shared stack (RabbitMQ, Azurite) and the HubSpot simulator whose telemetry is captured in memory. Its
/// collection runs alone: the hub's sources and meters are process-wide, so another test's hub working at the same
/// time would add its spans and counts to these.
/// </summary>
public class TelemetryHubFixture : IAsyncLifetime
{
    public TelemetryCapture Telemetry { get; } = new();

    public HubFactory Factory { get; private set; } = null!;

    public RunningSimulator HubSpot { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public RawAmqp Raw { get; private set; } = null!;

    public INotificationLedger Ledger => Factory.Services.GetRequiredService<INotificationLedger>();

    public IEmailTemplateAdmin Templates => Factory.Services.GetRequiredService<IEmailTemplateAdmin>();

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync();
        HubSpot = await RunningSimulator.StartAsync(o => o.AccessToken = HubFactory.HubSpotToken);
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"E2eOtel{Guid.NewGuid():N}"[..24], HubSpot.BaseAddress);
        settings["PlatformEvents:SendStatusFirstPoll"] = "00:00:00.100";
        settings["Telemetry:PrometheusEndpoint"] = "true";
        Transport(settings);
        Factory = new HubFactory(settings, Telemetry.AddTo);
        Client = Factory.CreateClient();
        Raw = await RawAmqp.ConnectAsync(TestStack.Shared);
    }

    /// <summary>The broker's settings: RabbitMQ over AMQP here.</summary>
    protected virtual void Transport(Dictionary<string, string?> settings)
    {
    }

    public virtual async Task DisposeAsync()
    {
        await Raw.DisposeAsync();
        Client.Dispose();
        await Factory.DisposeAsync();
        await HubSpot.DisposeAsync();
    }
}

/// <summary>The same hub on the Azure transport: Microsoft's client, with the Azure SDK's own spans, against the Service Bus double.</summary>
public sealed class SdkTelemetryHubFixture : TelemetryHubFixture
{
    private readonly Crm.Integration.Testing.ServiceBusDouble.ServiceBusDouble _serviceBus =
        Crm.Integration.Testing.ServiceBusDouble.ServiceBusDouble.Start(lockDuration: TimeSpan.FromSeconds(10), maxDeliveryCount: 5);

    protected override void Transport(Dictionary<string, string?> settings)
    {
        _serviceBus.AddEntity("auth0-log-events");
        _serviceBus.AddEntity("platform-events");
        settings["ServiceBus:Transport"] = "AzureServiceBus";
        settings["ServiceBus:ConnectionString"] = _serviceBus.ConnectionString;
        settings["ServiceBus:Entities:auth0-log-events"] = "auth0-log-events";
        settings["ServiceBus:Entities:platform-events"] = "platform-events";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _serviceBus.DisposeAsync();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SdkTelemetryHubCollection : ICollectionFixture<SdkTelemetryHubFixture>
{
    public const string Name = "hub on the Azure transport with its telemetry in memory";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryHubCollection : ICollectionFixture<TelemetryHubFixture>
{
    public const string Name = "hub with its telemetry in memory";
}
