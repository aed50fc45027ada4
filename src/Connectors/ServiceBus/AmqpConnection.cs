using Amqp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// An AMQP connection to the broker, opened on first use and opened again on the next use after the broker closed it.
/// The process has two, one per <paramref name="role"/> (<see cref="Sending"/>, <see cref="Receiving"/>): a send, which
/// an HTTP caller waits for, must not queue on one socket behind a thousand deliveries and their settlements.
/// </summary>
internal sealed class AmqpConnection(string role, IOptions<ServiceBusOptions> options, ILogger<AmqpConnection> logger) : IAsyncDisposable
{
    public const string Sending = "send";
    public const string Receiving = "receive";

    private readonly ServiceBusOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Connection? _connection;
    private volatile bool _closing;

    public bool IsOpen => _connection is { IsClosed: false };

    /// <summary>The open connection, connecting first when there is none. Throws <see cref="QueueUnavailableException"/>.</summary>
    public async Task<Connection> GetAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _connection);
        if (current is { IsClosed: false })
        {
            return current;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_connection is { IsClosed: false })
            {
                return _connection;
            }

            var opened = await OpenAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _connection, opened);
            return opened;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Connection> OpenAsync(CancellationToken cancellationToken)
    {
        var address = new Address(
            _options.Host, _options.Port, _options.KeyName, _options.Key, "/", _options.UseTls ? "amqps" : "amqp");
        var factory = new ConnectionFactory();
        factory.AMQP.ContainerId = $"crm-integration-{Environment.MachineName}-{Environment.ProcessId}-{role}";

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            var connection = await factory.CreateAsync(address, timeout.Token).ConfigureAwait(false);
            connection.AddClosedCallback((_, error) =>
            {
                // Closed by our own shutdown: an ordinary stop, not a fault to warn about.
                if (_closing)
                {
                    Log.ConnectionClosedOnStop(logger, _options.Host, _options.Port, role);
                }
                else
                {
                    Log.ConnectionClosed(logger, _options.Host, _options.Port, error?.Condition.ToString() ?? "no error given", error?.Description);
                }
            });
            Log.Connected(logger, _options.Host, _options.Port);
            return connection;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not QueueUnavailableException)
        {
            Log.ConnectFailed(logger, _options.Host, _options.Port, ex.Message);
            throw new QueueUnavailableException($"The broker at {_options.Host}:{_options.Port} cannot be reached: {ex.Message}", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A broker that went away, or does not answer the close in time, must not make the host's shutdown fail.
        _closing = true;
        await AmqpLinks.CloseQuietlyAsync(Interlocked.Exchange(ref _connection, null)).ConfigureAwait(false);
        _gate.Dispose();
    }
}
