using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Crm.Integration.Testing;

namespace Crm.Integration.Infra.Tests;

/// <summary>
/// What the image runs, short of Docker (no engine here): the Dockerfile's build stage replayed (its <c>dotnet publish
/// -c Release</c> from exactly what it copies), started with the runtime stage's environment (Production, no development
/// settings) and settings shaped as the container apps set them, against the local stack instead of Azure: it answers
/// readiness, and the image's HEALTHCHECK command passes against it.
/// </summary>
public sealed class PublishedHostTests
{
    [Fact]
    public async Task Dockerfile_BuildStageReplayed_StartsInProductionAgainstTheStack_AnswersReadyAndItsHealthCheck()
    {
        await TestStack.Shared.UpAsync();
        var dockerfile = new DockerfileReplay();
        var work = Directory.CreateTempSubdirectory("crm-image-").FullName;
        var source = Path.Combine(work, "src");
        var output = Path.Combine(work, "app");
        await dockerfile.BuildAsync(source, output);
        Assert.True(File.Exists(Path.Combine(output, "host.json")), "host.json must be published beside the binaries");
        Assert.False(File.Exists(Path.Combine(output, "appsettings.Development.json")), "the image must carry no local defaults");

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = output, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(output, "Crm.Integration.Functions.dll"));
        foreach (var inherited in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        var table = $"Publish{Guid.NewGuid():N}"[..24];
        foreach (var (name, value) in dockerfile.Environment)
        {
            start.Environment[name] = value;
        }

        Assert.Equal("Production", start.Environment["ASPNETCORE_ENVIRONMENT"]);
        var imagePort = start.Environment["ASPNETCORE_HTTP_PORTS"]!;
        var settings = new Dictionary<string, string?>(TestStack.Shared.BrokerSettings())
        {
            // Loopback on a free port instead of the image's port on every interface.
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["Urls"] = $"http://127.0.0.1:{port}",
            // In Azure: Storage__TableEndpoint with the managed identity; here Azurite, which only a connection string reaches.
            ["Storage:ConnectionString"] = TestStack.Shared.TableConnectionString,
            ["Storage:NotificationsTable"] = table,
            ["Storage:LookupsTable"] = table + "Lookups",
            ["Storage:ContactDatesTable"] = table + "Dates",
            ["Storage:EmailTemplatesTable"] = table + "Templates",
            // In Azure these come from Key Vault (KeyVault__VaultUri); here from the environment.
            ["Secrets:Auth0LogStreamToken"] = "publish-check-token",
            ["Secrets:HubSpotAccessToken"] = "publish-check-hubspot",
            ["HubSpot:BaseAddress"] = "http://127.0.0.1:1/",
            // The webhook's app: the queue triggers run in the other app (they would take this stack's messages).
            ["AzureWebJobs:Auth0Events:Disabled"] = "true",
            ["AzureWebJobs:PlatformEvents:Disabled"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");

        using var host = Process.Start(start)!;
        var log = new StringBuilder();
        host.OutputDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        host.ErrorDataReceived += (_, line) => { lock (log) { log.AppendLine(line.Data); } };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var (status, body) = await Readiness.ReadyAsync(http, host, TimeSpan.FromSeconds(60));

            string Log() { lock (log) { return log.ToString(); } }
            Assert.True(status == HttpStatusCode.OK, $"readiness {status}: {body}\n{Log()}");
            Assert.Contains("\"storage\"", body, StringComparison.Ordinal);
            Assert.Contains("Hosting environment: Production", Log(), StringComparison.Ordinal);
            var healthCheck = dockerfile.HealthCheck.Select(a => a.Replace($"/{imagePort}", $"/{port}", StringComparison.Ordinal)).ToArray();
            var (healthExit, healthOutput) = await RunAsync(healthCheck[0], healthCheck[1..], TimeSpan.FromSeconds(10));
            Assert.True(healthExit == 0, $"HEALTHCHECK {string.Join(' ', healthCheck)} exited {healthExit}: {healthOutput}");
        }
        finally
        {
            host.Kill(entireProcessTree: true);
            await host.WaitForExitAsync();
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await output + await errors);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

internal static class Readiness
{
    /// <summary>Asks <c>/api/health/ready</c> until it answers 200, the host exits, or <paramref name="within"/> passes.</summary>
    public static async Task<(HttpStatusCode? Status, string Body)> ReadyAsync(HttpClient http, Process host, TimeSpan within)
    {
        var started = TimeProvider.System.GetTimestamp();
        (HttpStatusCode? Status, string Body) last = (null, "no answer");
        while (TimeProvider.System.GetElapsedTime(started) < within && !host.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/api/health/ready");
                last = (response.StatusCode, await response.Content.ReadAsStringAsync());
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return last;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(500);
        }

        return host.HasExited ? (null, $"the host exited with {host.ExitCode}") : last;
    }
}
