using Crm.Integration.HubSpotSimulator;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// A hub of its own on <see cref="TestStack.EndToEndBroker"/> (so that it takes no other test's messages), with a
/// HubSpot simulator of its own; each test of <see cref="PrivateBrokerCollection"/> shapes it with its settings.
/// </summary>
internal sealed class PrivateBrokerHub : IAsyncDisposable
{
    private PrivateBrokerHub(RunningSimulator hubSpot, HubFactory factory)
    {
        HubSpot = hubSpot;
        Factory = factory;
        Client = factory.CreateClient();
    }

    public RunningSimulator HubSpot { get; }

    public HubFactory Factory { get; }

    public HttpClient Client { get; }

    public static async Task<PrivateBrokerHub> StartAsync(
        string tablePrefix,
        Action<SimulatorOptions>? simulator = null,
        Action<Dictionary<string, string?>>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        await Task.WhenAll(TestStack.Shared.UpAsync("azurite"), TestStack.EndToEndBroker.UpAsync("rabbitmq"));
        var hubSpot = await RunningSimulator.StartAsync(simulator);
        var values = HubFactory.SettingsFor(TestStack.EndToEndBroker, TestStack.Shared, $"{tablePrefix}{Guid.NewGuid():N}"[..24], hubSpot.BaseAddress);
        settings?.Invoke(values);
        return new PrivateBrokerHub(hubSpot, new HubFactory(values, services));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await HubSpot.DisposeAsync();
    }
}
