using System.Collections.Concurrent;
using Amqp;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// One hub for the end-to-end tests of the shared stack, with tables of its own, and watchers that collect everything
/// dead-lettered from <c>auth0-log-events</c> and <c>platform-events</c> so that tests can look for their own messages.
/// </summary>
public sealed class HubFixture : IAsyncLifetime, ILogStreamHub
{
    private readonly CancellationTokenSource _stop = new();
    private RawAmqp? _raw;
    private Task[] _watchers = [];

    /// <summary>The Auth0 user whose signup log carries no email: the hub must read it through the Management API.</summary>
    public const string UserWithoutLoggedEmail = "auth0|e2e-no-email";

    private readonly WireMockServer _auth0 = WireMockServer.Start();

    /// <summary>The issuer of the admin API's tokens.</summary>
    public TestIssuer Issuer { get; } = new();

    public HubFactory Factory { get; private set; } = null!;

    public RunningSimulator HubSpot { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public RawAmqp Raw => _raw!;

    public INotificationLedger Ledger => Factory.Services.GetRequiredService<INotificationLedger>();

    public IEmailTemplateAdmin Templates => Factory.Services.GetRequiredService<IEmailTemplateAdmin>();

    /// <summary>The hub's <c>Lookups</c> table, for tests that change what admins would change.</summary>
    public Azure.Data.Tables.TableClient Lookups =>
        Factory.Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(
            Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.LookupsTable);

    /// <summary>The hub's ledger table, for tests that need rows older than a test can wait for.</summary>
    public Azure.Data.Tables.TableClient Notifications =>
        Factory.Services.GetRequiredService<Azure.Data.Tables.TableServiceClient>().GetTableClient(
            Factory.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StorageOptions>>().Value.NotificationsTable);

    public ConcurrentDictionary<string, Message> DeadLetters { get; } = new();

    public Task SendRawAsync(string queue, Message message) => Raw.SendAsync(queue, message);

    public bool IsDeadLettered(string messageId) => DeadLetters.ContainsKey(messageId);

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync();
        HubSpot = await RunningSimulator.StartAsync(o =>
        {
            o.AccessToken = HubFactory.HubSpotToken;
            foreach (var id in TemplatesAdminEndToEndTests.EmailIdsInHubSpot)
            {
                o.MarketingEmails[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = $"Email {id}";
            }
        });
        ServeAuth0();
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"E2e{Guid.NewGuid():N}"[..24], HubSpot.BaseAddress);
        settings["Auth0:BaseAddress"] = _auth0.Url + "/";
        settings["Secrets:Auth0ManagementClientId"] = "e2e-client";
        settings["Secrets:Auth0ManagementClientSecret"] = "e2e-secret";
        // Short enough that edits and waits show within a test; the behaviour is the production one.
        settings["Lookups:CacheFor"] = "00:00:00.200";
        settings["PlatformEvents:TemplateCacheFor"] = "00:00:00.300";
        settings["PlatformEvents:ContactWaitDelay"] = "00:00:00.300";
        settings["PlatformEvents:ContactWaitAttempts"] = "8";
        settings["PlatformEvents:SendStatusFirstPoll"] = "00:00:00.100";
        foreach (var (key, value) in Issuer.Settings)
        {
            settings[key] = value;
        }

        settings["AdminApi:CheckHubSpotEmailIds"] = "true";
        settings["Secrets:PersonFingerprintKey"] = "e2e-person-fingerprint-key";
        // The on-demand run is tested; the daily trigger (its schedule and lease) is tested on a fake clock.
        settings["AzureWebJobs:NotificationsCleanup:Disabled"] = "true";
        settings["Retention:RowsPerSecond"] = "10000";
        settings["AzureWebJobs:DailySummary:Disabled"] = "true"; // likewise: the summary's timer runs on a fake clock in its own test
        settings["HubSpot:UsageFlushInterval"] = "00:00:00.500"; // usage rows within a test's patience

        Factory = new HubFactory(settings);
        Client = Factory.CreateClient();
        _raw = await RawAmqp.ConnectAsync(TestStack.Shared);
        _watchers = [WatchDeadLettersAsync("auth0-log-events.dlq"), WatchDeadLettersAsync("platform-events.dlq")];
    }

    /// <summary>An Auth0 tenant that knows one user; any other id is 404.</summary>
    private void ServeAuth0()
    {
        _auth0.Given(Request.Create().WithPath("/oauth/token").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"access_token":"e2e-mgmt-token","expires_in":86400,"token_type":"Bearer"}"""));
        _auth0.Given(Request.Create().WithPath("/api/v2/users/*").UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("""{"statusCode":404,"error":"Not Found","errorCode":"inexistent_user"}"""));
        // WireMock matches the decoded path: auth0|e2e-no-email, sent as auth0%7Ce2e-no-email.
        _auth0.Given(Request.Create().WithPath("/api/v2/users/" + UserWithoutLoggedEmail).UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(
                """{"user_id":"auth0|e2e-no-email","email":"Grace.Hopper@Example.com","given_name":"Grace","family_name":"Hopper","created_at":"2026-11-24T09:00:00.000Z"}"""));
    }

    private async Task WatchDeadLettersAsync(string queue)
    {
        var receiver = new ReceiverLink(new Session(await ConnectAsync()), $"e2e-dlq-watcher-{queue}", RawAmqp.QueueAddress(queue));
        receiver.SetCredit(50);
        while (!_stop.IsCancellationRequested)
        {
            if (await receiver.ReceiveAsync(TimeSpan.FromMilliseconds(200)) is { } message)
            {
                receiver.Accept(message);
                DeadLetters[message.Properties?.MessageId?.ToString() ?? ""] = message;
            }
        }

        try
        {
            await receiver.Session.Connection.CloseAsync(TimeSpan.FromSeconds(5), null);
        }
        catch (Exception ex) when (ex is TimeoutException or AmqpException)
        {
            // RabbitMQ can be slow to answer a close; the test run is over either way.
        }
    }

    private static Task<Connection> ConnectAsync() =>
        new ConnectionFactory().CreateAsync(new Address("127.0.0.1", TestStack.Shared.AmqpPort, "guest", "guest", "/", "amqp"));

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_watchers);

        if (_raw is not null)
        {
            await _raw.DisposeAsync();
        }

        Client.Dispose();
        await Factory.DisposeAsync();
        await HubSpot.DisposeAsync();
        _auth0.Stop();
        Issuer.Dispose();
        _stop.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "hub on the shared stack";
}
