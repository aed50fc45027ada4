using Amqp;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests.DeadLetters;

/// <summary>
/// A hub on the shared broker whose two queues are queues of its own (<c>e2e-replay-…</c>, with their <c>.dlq</c>), so
/// that its dead-letter queues hold what these tests put there: <see cref="HubFixture"/> drains the hub's usual ones.
/// Token issuer, HubSpot simulator and Azurite as for <see cref="HubFixture"/>.
/// </summary>
public sealed class DeadLetterHubFixture : IAsyncLifetime
{
    public const string PlatformQueue = "e2e-replay-platform-events";
    public const string Auth0Queue = "e2e-replay-auth0-log-events";

    private RawAmqp? _raw;

    public TestIssuer Issuer { get; } = new();

    public HubFactory Factory { get; private set; } = null!;

    public RunningSimulator HubSpot { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public RawAmqp Raw => _raw!;

    public INotificationLedger Ledger => Factory.Services.GetRequiredService<INotificationLedger>();

    public string Reader => Issuer.Mint("auth0|rita", [TestIssuer.ReadPermission], name: "Rita Reader");

    public string Writer => Issuer.Mint("auth0|ada", [TestIssuer.WritePermission], name: "Ada Admin");

    public string Operator => Issuer.Mint("auth0|olga", [TestIssuer.OperatePermission], name: "Olga Operator");

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync();
        HubSpot = await RunningSimulator.StartAsync(o =>
        {
            o.AccessToken = HubFactory.HubSpotToken;
            o.MarketingEmails["4242"] = "Welcome";
        });
        _raw = await RawAmqp.ConnectAsync(TestStack.Shared);
        await _raw.DrainAsync(PlatformQueue + ".dlq", TimeSpan.FromMilliseconds(200));
        await _raw.DrainAsync(Auth0Queue + ".dlq", TimeSpan.FromMilliseconds(200));

        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"E2eDlq{Guid.NewGuid():N}"[..24], HubSpot.BaseAddress);
        settings["ServiceBus:Entities:platform-events"] = RawAmqp.QueueAddress(PlatformQueue);
        settings["ServiceBus:Entities:auth0-log-events"] = RawAmqp.QueueAddress(Auth0Queue);
        settings["PlatformEvents:TemplateCacheFor"] = "00:00:00.300";
        settings["AzureWebJobs:NotificationsCleanup:Disabled"] = "true";
        foreach (var (key, value) in Issuer.Settings)
        {
            settings[key] = value;
        }

        Factory = new HubFactory(settings);
        Client = Factory.CreateClient();
    }

    public Task PublishAsync(Message message) => Raw.SendAsync(PlatformQueue, message);

    public async Task DisposeAsync()
    {
        if (_raw is not null)
        {
            await _raw.DisposeAsync();
        }

        Client.Dispose();
        await Factory.DisposeAsync();
        await HubSpot.DisposeAsync();
        Issuer.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DeadLetterHubCollection : ICollectionFixture<DeadLetterHubFixture>
{
    public const string Name = "hub with dead-letter queues of its own";
}
