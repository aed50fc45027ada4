using System.Collections.Concurrent;
using Amqp;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// One hub for the end-to-end tests of the shared stack, with a ledger table of its own, and a watcher that collects
/// everything dead-lettered from <c>auth0-log-events</c> so that tests can look for their own messages.
/// </summary>
public sealed class HubFixture : IAsyncLifetime
{
    private readonly CancellationTokenSource _stop = new();
    private RawAmqp? _raw;
    private Task? _watcher;

    public HubFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public RawAmqp Raw => _raw!;

    public INotificationLedger Ledger => Factory.Services.GetRequiredService<INotificationLedger>();

    public ConcurrentDictionary<string, Message> DeadLetters { get; } = new();

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync();
        Factory = new HubFactory(HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"E2e{Guid.NewGuid():N}"[..24]));
        Client = Factory.CreateClient();
        _raw = await RawAmqp.ConnectAsync(TestStack.Shared);
        _watcher = WatchDeadLettersAsync();
    }

    private async Task WatchDeadLettersAsync()
    {
        var receiver = new ReceiverLink(new Session(await ConnectAsync()), "e2e-dlq-watcher", RawAmqp.QueueAddress("auth0-log-events.dlq"));
        receiver.SetCredit(50);
        while (!_stop.IsCancellationRequested)
        {
            if (await receiver.ReceiveAsync(TimeSpan.FromMilliseconds(200)) is { } message)
            {
                receiver.Accept(message);
                DeadLetters[message.Properties?.MessageId?.ToString() ?? ""] = message;
            }
        }

        await receiver.Session.Connection.CloseAsync();
    }

    private static Task<Connection> ConnectAsync() =>
        new ConnectionFactory().CreateAsync(new Address("127.0.0.1", TestStack.Shared.AmqpPort, "guest", "guest", "/", "amqp"));

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_watcher is not null)
        {
            await _watcher;
        }

        if (_raw is not null)
        {
            await _raw.DisposeAsync();
        }

        Client.Dispose();
        await Factory.DisposeAsync();
        _stop.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class HubCollection : ICollectionFixture<HubFixture>
{
    public const string Name = "hub on the shared stack";
}
