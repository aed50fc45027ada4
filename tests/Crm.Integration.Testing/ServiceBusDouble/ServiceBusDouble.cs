using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Amqp;
using Amqp.Framing;
using Amqp.Handler;
using Amqp.Listener;
using Amqp.Sasl;
using Amqp.Types;

namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>
/// A protocol-level Service Bus namespace on AMQPNetLite's <see cref="ContainerHost"/>, for Microsoft's client to talk
/// to: SASL <c>MSSBCBS</c>, <c>$cbs</c> put-token, peek-lock entities with lock expiry, dead-letter queues,
/// <c>$management</c> renew-lock and peek-message, topic subscriptions (<c>topic/Subscriptions/sub</c>). Plain TCP, reached through a
/// connection string with <c>UseDevelopmentEmulator=true</c>; or TLS with a throw-away certificate, for the
/// token-credential path (which has no emulator switch). Everything it is sent is written to <see cref="Traffic"/>.
/// </summary>
public sealed class ServiceBusDouble : IAsyncDisposable
{
    public const string KeyName = "RootManageSharedAccessKey";
    public const string Key = "double-shared-access-key";
    public const int MaxMessageSize = 256 * 1024;

    private readonly ContainerHost _host;
    private readonly CbsNode _cbs;
    private readonly ConcurrentDictionary<string, DoubleQueue> _entities = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Connection, bool> _connections = new();
    private readonly TimeSpan _lockDuration;
    private readonly int _maxDeliveryCount;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _lockClock;

    private ServiceBusDouble(TimeSpan lockDuration, int maxDeliveryCount, X509Certificate2? certificate)
    {
        _lockDuration = lockDuration;
        _maxDeliveryCount = maxDeliveryCount;
        Port = FreePort();
        var address = new Address($"{(certificate is null ? "amqp" : "amqps")}://127.0.0.1:{Port}");
        _host = certificate is null ? new ContainerHost(address) : new ContainerHost([address], certificate);
        _cbs = new CbsNode(KeyName, Key, TimeProvider.System, Traffic);

        var listener = _host.Listeners[0];
        listener.SASL.EnableMechanism(new Symbol("MSSBCBS"), SaslProfile.Anonymous);
        listener.SASL.EnableAnonymousMechanism = true;
        listener.HandlerFactory = _ => new LockTokenTags();
        listener.AMQP.MaxFrameSize = 256 * 1024;
        _host.AddressResolver = (_, attach) =>
        {
            Traffic.Record($"attach {(attach.Role ? "receiver from" : "sender to")} {NameOf(attach.Role ? ((Source)attach.Source)?.Address : ((Target)attach.Target)?.Address)}");
            return null!;
        };
        _host.RegisterRequestProcessor("$cbs", _cbs);
        _host.RegisterLinkProcessor(new EntityLinks(this));
        _host.Open();
        _lockClock = ExpireLocksAsync(_stop.Token);
    }

    public int Port { get; }

    public DoubleTraffic Traffic { get; } = new();

    /// <summary>JWTs accepted on <c>$cbs</c> (the token-credential path).</summary>
    public IReadOnlyCollection<string> JwtsAccepted => _cbs.JwtsAccepted;

    public string ConnectionString =>
        $"Endpoint=sb://127.0.0.1:{Port};SharedAccessKeyName={KeyName};SharedAccessKey={Key};UseDevelopmentEmulator=true";

    public static ServiceBusDouble Start(TimeSpan lockDuration, int maxDeliveryCount = 10, X509Certificate2? certificate = null) =>
        new(lockDuration, maxDeliveryCount, certificate);

    /// <summary>Creates a queue, or a subscription when the name is <c>topic/Subscriptions/sub</c>.</summary>
    public DoubleQueue AddEntity(string name)
    {
        var entity = new DoubleQueue(name, _lockDuration, _maxDeliveryCount, TimeProvider.System, Traffic, withDeadLetters: true);
        _entities[name] = entity;
        _entities[entity.DeadLetters!.Name] = entity.DeadLetters;
        _host.RegisterRequestProcessor($"{name}/$management", new ManagementNode(entity, Traffic));
        _host.RegisterRequestProcessor($"{entity.DeadLetters.Name}/$management", new ManagementNode(entity.DeadLetters, Traffic));
        return entity;
    }

    public DoubleQueue Entity(string name) => _entities[name];

    /// <summary>Closes every client connection with <c>amqp:connection:forced</c>, as a namespace does on failover.</summary>
    public async Task DropConnectionsAsync()
    {
        foreach (var connection in _connections.Keys.Where(c => !c.IsClosed))
        {
            Traffic.Record("connection dropped by the double");
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(2), new Error(ErrorCode.ConnectionForced) { Description = "Dropped by the test double." });
            }
            catch (Exception ex) when (ex is AmqpException or TimeoutException or ObjectDisposedException)
            {
                // The client may already be gone, or answer with its own error.
            }
        }

        _connections.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _lockClock;
        _host.Close();
        _stop.Dispose();
    }

    /// <summary>The entities a sent message reaches: the queue of that name, or every subscription of the topic.</summary>
    private IReadOnlyList<DoubleQueue> Destinations(string address) =>
        _entities.TryGetValue(address, out var queue) ? [queue]
            : _entities.Values.Where(e => e.Name.StartsWith($"{address}/Subscriptions/", StringComparison.OrdinalIgnoreCase)
                && !e.Name.EndsWith("/$deadletterqueue", StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The SDK attaches to entities by path (<c>/orders</c>), or with the namespace in front (<c>amqps://host/orders</c>).</summary>
    private static string? NameOf(string? address) =>
        (address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "amqp" or "amqps" or "sb"
            ? uri.AbsolutePath
            : address)?.TrimStart('/');

    private async Task ExpireLocksAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var entity in _entities.Values)
                {
                    entity.ExpireLocks();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    /// <summary>Attaches to entities: refused before a token was put on the connection, or when the entity does not exist.</summary>
    private sealed class EntityLinks(ServiceBusDouble owner) : ILinkProcessor
    {
        public void Process(AttachContext attachContext)
        {
            var attach = attachContext.Attach;
            var link = attachContext.Link;
            var connection = link.Session.Connection;
            owner._connections[connection] = true;
            var name = NameOf(attach.Role ? ((Source)attach.Source)?.Address : ((Target)attach.Target)?.Address) ?? "";
            if (!owner._cbs.IsAuthorized(connection))
            {
                owner.Traffic.Record($"attach to {name} refused: no token on $cbs");
                attachContext.Complete(new Error(ErrorCode.UnauthorizedAccess) { Description = $"Unauthorized access to '{name}': put a token on $cbs first." });
                return;
            }

            // The client sizes its batches by the max-message-size of the answer: Standard tier's 256 KB.
            attach.MaxMessageSize = MaxMessageSize;
            if (attach.Role)
            {
                if (owner._entities.TryGetValue(name, out var source))
                {
                    attachContext.Complete(new SourceLinkEndpoint(source, link), 0);
                    return;
                }
            }
            else if (owner.Destinations(name) is { Count: > 0 } destinations)
            {
                attachContext.Complete(new TargetLinkEndpoint(new FanOut(destinations), link), destinations[0].Credit);
                return;
            }

            owner.Traffic.Record($"attach to {name} refused: not found");
            attachContext.Complete(new Error(ErrorCode.NotFound) { Description = $"The messaging entity '{name}' could not be found." });
        }
    }

    /// <summary>A send to a topic reaches each subscription; a send to a queue, the queue.</summary>
    private sealed class FanOut(IReadOnlyList<DoubleQueue> destinations) : IMessageProcessor
    {
        public int Credit => destinations[0].Credit;

        public void Process(MessageContext messageContext)
        {
            foreach (var destination in destinations)
            {
                destination.Accept(destinations.Count == 1 ? messageContext.Message : Message.Decode(messageContext.Message.Encode()));
            }

            messageContext.Complete();
        }
    }

    /// <summary>Service Bus lock tokens are delivery tags: every delivery goes out tagged with its lock token.</summary>
    private sealed class LockTokenTags : IHandler
    {
        public bool CanHandle(EventId id) => id == EventId.SendDelivery;

        public void Handle(Event protocolEvent)
        {
            if (protocolEvent.Context is IDelivery { UserToken: ReceiveContext { UserToken: LockedDelivery locked } } delivery)
            {
                delivery.Tag = locked.LockToken.ToByteArray();
            }
        }
    }
}
