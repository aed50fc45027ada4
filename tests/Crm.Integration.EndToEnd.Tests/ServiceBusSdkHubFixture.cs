using Amqp;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Crm.Integration.Testing.ServiceBusDouble;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// A hub on the Azure transport: Microsoft's client against the Service Bus double (queues <c>auth0-log-events</c> and
/// <c>platform-events</c>, the lock duration and delivery limit of the Bicep deployment's queues scaled down), with
/// Azurite and the HubSpot simulator as for <see cref="HubFixture"/>.
/// </summary>
public sealed class ServiceBusSdkHubFixture : IAsyncLifetime, ILogStreamHub
{
    private ServiceBusDouble _serviceBus = null!;

    public HubFactory Factory { get; private set; } = null!;

    public RunningSimulator HubSpot { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public INotificationLedger Ledger => Factory.Services.GetRequiredService<INotificationLedger>();

    /// <summary>Tokens for the admin API (the dead-letter replay on this transport).</summary>
    public TestIssuer Issuer { get; } = new();

    public IEmailTemplateAdmin Templates => Factory.Services.GetRequiredService<IEmailTemplateAdmin>();

    /// <summary>An entity of the double, e.g. to see its dead-letter queue.</summary>
    public DoubleQueue Entity(string name) => _serviceBus.Entity(name);

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync();
        HubSpot = await RunningSimulator.StartAsync(o => o.AccessToken = HubFactory.HubSpotToken);
        _serviceBus = ServiceBusDouble.Start(lockDuration: TimeSpan.FromSeconds(10), maxDeliveryCount: 5);
        _serviceBus.AddEntity("auth0-log-events");
        _serviceBus.AddEntity("platform-events");

        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"E2eSdk{Guid.NewGuid():N}"[..24], HubSpot.BaseAddress);
        settings["ServiceBus:Transport"] = "AzureServiceBus";
        settings["ServiceBus:ConnectionString"] = _serviceBus.ConnectionString;
        settings["ServiceBus:Entities:auth0-log-events"] = "auth0-log-events";
        settings["ServiceBus:Entities:platform-events"] = "platform-events";
        settings["PlatformEvents:TemplateCacheFor"] = "00:00:00.300";
        foreach (var (key, value) in Issuer.Settings)
        {
            settings[key] = value;
        }

        Factory = new HubFactory(settings);
        Client = Factory.CreateClient();
    }

    /// <summary>Straight into the double's queue, past any client: the message is stored as built.</summary>
    public Task SendRawAsync(string queue, Message message)
    {
        _serviceBus.Entity(queue).Enqueue(message);
        return Task.CompletedTask;
    }

    public bool IsDeadLettered(string messageId) =>
        _serviceBus.Entity("auth0-log-events").DeadLetters!.Arrived.Concat(_serviceBus.Entity("platform-events").DeadLetters!.Arrived)
            .Any(m => m.MessageId == messageId);

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await HubSpot.DisposeAsync();
        await _serviceBus.DisposeAsync();
        Issuer.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceBusSdkHubCollection : ICollectionFixture<ServiceBusSdkHubFixture>
{
    public const string Name = "hub on the Azure transport and the Service Bus double";
}
