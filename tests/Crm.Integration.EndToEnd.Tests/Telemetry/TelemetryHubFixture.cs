using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests.Telemetry;

/// <summary>
/// A hub on the shared stack (RabbitMQ, Azurite) and the HubSpot simulator whose telemetry is captured in memory. Its
/// collection runs alone: the hub's sources and meters are process-wide, so another test's hub working at the same
/// time would add its spans and counts to these.
/// </summary>
public sealed class TelemetryHubFixture : IAsyncLifetime
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
        Factory = new HubFactory(settings, Telemetry.AddTo);
        Client = Factory.CreateClient();
        Raw = await RawAmqp.ConnectAsync(TestStack.Shared);
    }

    public async Task DisposeAsync()
    {
        await Raw.DisposeAsync();
        Client.Dispose();
        await Factory.DisposeAsync();
        await HubSpot.DisposeAsync();
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryHubCollection : ICollectionFixture<TelemetryHubFixture>
{
    public const string Name = "hub with its telemetry in memory";
}
