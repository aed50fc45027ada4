using System.Diagnostics;
using System.Text;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>
/// The host process refuses to start on configuration it cannot run with, and says which setting is wrong: what an
/// operator sees is the process's output and exit code, so that is what these tests run and read.
/// </summary>
public sealed class StartupTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string?, string> BadSettings() => new()
    {
        { "Secrets:Auth0LogStreamToken", null, "Secret 'Auth0LogStreamToken' is not set" },
        { "Secrets:HubSpotAccessToken", null, "Secret 'HubSpotAccessToken' is not set" },
        { "HubSpot:BaseAddress", "not a url", "HubSpot:BaseAddress must be an absolute" },
        { "HubSpot:RequestsPerTenSeconds", "0", "RequestsPerTenSeconds" },
        { "HubSpot:MaxBatchSize", "101", "MaxBatchSize" },
        { "Auth0LogStream:ForwardedTypes:2", "slo", "Auth0LogStream:ForwardedTypes may only name log types that have a handler" },
        { "Auth0LogStream:MaxBodyBytes", "10", "MaxBodyBytes" },
        { "ServiceBus:Port", "70000", "Port" },
        { "ServiceBus:Entities:auth0-log-events", "", "ServiceBus:Entities:auth0-log-events is not set" },
        { "Storage:NotificationsTable", "bad-name!", "A table name is 3 to 63 letters and digits" },
        { "AzureFunctionsJobHost:extensions:serviceBus:maxConcurrentCalls", "0", "MaxConcurrentCalls" },
        { "ServiceBus:Entities:platform-events", "", "ServiceBus:Entities:platform-events is not set" },
        { "Storage:EmailTemplatesTable", "x", "A table name is 3 to 63 letters and digits" },
        { "PlatformEvents:ContactWaitAttempts", "0", "ContactWaitAttempts" },
        { "PlatformEvents:TemplateCacheFor", "01:00:00", "TemplateCacheFor" },
        { "Lookups:CacheFor", "-00:00:01", "CacheFor" },
        { "KeyVault:VaultUri", "http://vault.example/", "KeyVault:VaultUri must be an absolute https:// address" },
        { "KeyVault:RefreshInterval", "00:00:00", "RefreshInterval" },
        { "HubSpot:Authentication", "OAuth", "Secret 'HubSpotClientId' is not set" },
        { "HubSpot:TokenRefreshMargin", "01:00:00", "TokenRefreshMargin" },
        { "Auth0LogStream:PreviousTokenGracePeriod", "30.00:00:00", "PreviousTokenGracePeriod" },
        { "Storage:ConnectionString", "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;EndpointSuffix=core.windows.net", "Storage:ConnectionString is for Azurite only" },
        { "Storage:TableEndpoint", "https://prod.table.core.windows.net/", "Set Storage:TableEndpoint or Storage:ConnectionString (Azurite), not both" },
        { "ServiceBus:Host", null, "ServiceBus:Host is not set" },
        { "Auth0:BaseAddress", "my-tenant.eu.auth0.com", "Auth0:BaseAddress must be an absolute" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task Start_WithABadSetting_ExitsWithAMessageNamingIt(string key, string? value, string expected)
    {
        var settings = Unreachable();
        settings[key] = value;

        var (exitCode, output) = await RunHostAsync(settings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A deployment that forgot an endpoint must not fall back to localhost: nothing in the base settings or the
    /// options' defaults points anywhere, so a production host given everything but that endpoint refuses to start
    /// and says which setting is missing.
    /// </summary>
    [Theory]
    [InlineData("ServiceBus", "ServiceBus:Host is not set|ServiceBus:KeyName is not set|ServiceBus:Entities:auth0-log-events is not set")]
    [InlineData("Storage", "Storage:TableEndpoint is not set")]
    public async Task Start_InProductionWithoutAnEndpoint_ExitsNamingIt(string missing, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Secrets:Auth0LogStreamToken"] = HubFactory.Token,
            ["Secrets:HubSpotAccessToken"] = HubFactory.HubSpotToken,
        };
        if (missing != "ServiceBus")
        {
            foreach (var (key, value) in TestStack.Shared.BrokerSettings(port: 1))
            {
                settings[key] = value;
            }
        }

        if (missing != "Storage")
        {
            settings["Storage:ConnectionString"] = "UseDevelopmentStorage=true";
        }

        var (exitCode, output) = await RunHostAsync(settings, environment: "Production");

        Assert.NotEqual(0, exitCode);
        Assert.All(expected.Split('|'), message => Assert.Contains(message, output, StringComparison.Ordinal));
        Assert.DoesNotContain("Now listening on", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithGoodSettings_Listens()
    {
        var (_, output) = await RunHostAsync(Unreachable());

        Assert.Contains("Now listening on", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Valid settings whose broker and storage are at a port where nothing listens, so that a host that does start can
    /// never take a message meant for another test.
    /// </summary>
    private static Dictionary<string, string?> Unreachable()
    {
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, "StartupNeverWritten");
        settings["ServiceBus:Port"] = "1";
        settings["Storage:ConnectionString"] = TestStack.Shared.TableConnectionString.Replace($":{TestStack.Shared.TablePort}/", ":1/", StringComparison.Ordinal);
        return settings;
    }

    /// <summary>Runs the built host with <paramref name="settings"/> as environment variables until it exits, or stops it once it listens.</summary>
    private static async Task<(int ExitCode, string Output)> RunHostAsync(Dictionary<string, string?> settings, string environment = "Testing")
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(HostAssemblyPath());
        start.Environment["Urls"] = "http://127.0.0.1:0";
        start.Environment["DOTNET_ENVIRONMENT"] = environment;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("Secrets__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in settings.Where(s => s.Value is not null))
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var listening = new TaskCompletionSource();
        void Collect(object sender, DataReceivedEventArgs line)
        {
            lock (output)
            {
                output.AppendLine(line.Data);
            }

            if (line.Data?.Contains("Now listening on", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        var exited = process.WaitForExitAsync(timeout.Token);
        await Task.WhenAny(exited, listening.Task);
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(timeout.Token);
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>The host as the solution build left it, in the configuration these tests were built in.</summary>
    private static string HostAssemblyPath()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var path = Path.Combine(RepositoryPaths.Root, "src", "Functions", "bin", configuration, "net10.0", "Crm.Integration.Functions.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build the solution first: {path} is missing.", path);
    }
}
