using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Benchmark;

/// <summary>
/// A pass-through in front of Azurite's table endpoint that counts HTTP requests: what the hub costs storage, counted
/// on the wire (an entity-group transaction is one request, as Azure bills it), not by the hub's own bookkeeping.
/// The hub is given this endpoint instead of Azurite's; shared-key signatures cover the path, not the port, so they hold.
/// </summary>
internal sealed class StorageRequestCounter : IAsyncDisposable
{
    // Hop-by-hop headers and those the client sets from the content: not copied across.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Transfer-Encoding", "Keep-Alive", "Content-Length", "Content-Type", "Expect",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentDictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private long _requests;

    private StorageRequestCounter(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    /// <summary>Requests forwarded so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests so far by method, table (or <c>$batch</c>) and status: which of the hub's stores costs what.</summary>
    public IReadOnlyDictionary<string, long> ByKind() => _byKind.ToDictionary(k => k.Key, k => k.Value, StringComparer.Ordinal);

    public Uri Address { get; private set; } = null!;

    /// <summary>The connection string to give the hub: <paramref name="connectionString"/> with its table endpoint on this counter.</summary>
    public string ConnectionStringFor(string connectionString, int tablePort) =>
        connectionString.Replace($"http://127.0.0.1:{tablePort}/", $"http://127.0.0.1:{Address.Port}/", StringComparison.Ordinal);

    public static async Task<StorageRequestCounter> StartAsync(int tablePort)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var upstream = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            MaxConnectionsPerServer = 256,
        })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{tablePort}"),
            Timeout = TimeSpan.FromMinutes(2),
        };
        var app = builder.Build();
        var counter = new StorageRequestCounter(app, upstream);
        app.Run(counter.ForwardAsync);
        await app.StartAsync();
        counter.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return counter;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var inbound = context.Request;
        using var request = new HttpRequestMessage(new HttpMethod(inbound.Method), inbound.Path + inbound.QueryString);
        if (inbound.ContentLength is > 0 || inbound.Headers.TransferEncoding.Count > 0)
        {
            // With its length, not chunked: Azurite reads a transaction's multipart body by its Content-Length.
            request.Content = new StreamContent(inbound.Body);
            request.Content.Headers.ContentLength = inbound.ContentLength;
            if (inbound.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }
        }

        foreach (var (name, values) in inbound.Headers)
        {
            if (!NotForwarded.Contains(name) && !request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        var table = TableOf(inbound.Path);
        var kind = $"{inbound.Method} {table} {(int)response.StatusCode}";
        _byKind.AddOrUpdate(kind, 1, (_, n) => n + 1);
        if (table == "$batch")
        {
            // A transaction is answered 202 whatever its actions did: the status of a failed one is in the body.
            var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            if (FailedActionStatus(body) is { } failed)
            {
                _byKind.AddOrUpdate($"{kind} failed {failed}", 1, (_, n) => n + 1);
            }

            await context.Response.Body.WriteAsync(body, context.RequestAborted);
            return;
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>The status of the action that failed a transaction (409 exists, 412 moved, …), if one did.</summary>
    private static int? FailedActionStatus(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(line.AsSpan(9, 3), out var status) && status >= 400)
            {
                return status;
            }
        }

        return null;
    }

    /// <summary>The table a request names (<c>/account/Table(PartitionKey=…)</c> → <c>Table</c>), or <c>$batch</c>.</summary>
    private static string TableOf(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var resource = segments.Length > 1 ? segments[1] : "";
        var parenthesis = resource.IndexOf('(', StringComparison.Ordinal);
        return parenthesis < 0 ? resource : resource[..parenthesis];
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
