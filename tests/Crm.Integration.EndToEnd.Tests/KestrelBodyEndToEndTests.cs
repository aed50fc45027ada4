using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// Issue 14: how the webhook reads bodies on Kestrel itself (the in-process test server frames nothing): chunked bodies
/// within the limit, and a client that stops sending. A hub without a broker: every entry here is ignored or refused.
/// </summary>
public sealed class KestrelBodyEndToEndTests : IAsyncLifetime
{
    private readonly FakeLoggerProvider _logs = new();
    private HubFactory _hub = null!;
    private int _port;

    public async Task InitializeAsync()
    {
        await TestStack.Shared.UpAsync("azurite");
        _port = FreePort();
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"Body{Guid.NewGuid():N}"[..24]);
        settings["ServiceBus:Port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        _hub = new HubFactory(settings, services => services.AddLogging(b => b.AddProvider(_logs)));
        _hub.UseKestrel(_port);
        _hub.StartServer();
    }

    /// <summary>Was: 413 — Kestrel counted the chunk framing against the 5 MiB limit, so 4 MiB in 16-byte chunks was "too large".</summary>
    [Fact]
    public async Task Post_FourMebibytesIn16ByteChunks_IsReadWhole()
    {
        var entry = "{\"log_id\":\"chunk\",\"data\":{\"type\":\"slo\"}}";
        var count = 4 * 1024 * 1024 / (entry.Length + 1);
        var body = Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat(entry, count)) + "]");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, LogStreamRequests.Route) { Content = new SmallChunks(body, 16) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation("Authorization", HubFactory.Token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(count, (int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["ignored"]!);
    }

    /// <summary>Was: the 408 of a body that stopped coming was logged as an unhandled exception with a stack trace.</summary>
    [Fact]
    public async Task Post_BodyThatStopsComing_Is408_LoggedAsTheClientsFault_WithoutAnUnhandledException()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        var stream = tcp.GetStream();
        var head = $"POST {LogStreamRequests.Route} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {HubFactory.Token}\r\n" +
            "Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n[{\"log_id\":";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        // Kestrel's minimum request body rate (240 bytes/s after a 5 s grace) ends the read; then the hub answers.
        var answer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await stream.ReadAsync(answer, timeout.Token);
        var status = Encoding.ASCII.GetString(answer, 0, read).Split("\r\n")[0];

        Assert.Equal("HTTP/1.1 408 Request Timeout", status);
        var records = _logs.Collector.GetSnapshot();
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
        Assert.Contains(records, r => r.Message.StartsWith("Auth0 log-stream body not read: 408", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _hub.DisposeAsync();
        _logs.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Writes the body a few bytes per write: with chunked transfer each write goes out as one chunk.</summary>
    private sealed class SmallChunks(byte[] body, int size) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += size)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(size, body.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
