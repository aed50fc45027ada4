using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests.AdminPage;

/// <summary>
/// The admin page in headless Chromium (Debian's), driven by playwright-core from <c>admin-page.browser.mjs</c>,
/// against the hub on a real port. Screenshots land in <c>artifacts/admin-page/</c>.
/// </summary>
public sealed class AdminPageBrowserTests
{
    public static string ArtifactsDirectory => Path.Combine(RepositoryPaths.Root, "artifacts", "admin-page");

    [Fact]
    public async Task AnAdmin_CreatesListsEditsSeesFieldErrorsAndAConflict_ReadsTheHistory_AndDeletes_InARealBrowser()
    {
        await TestStack.Shared.UpAsync("azurite");
        using var issuer = new TestIssuer();
        var port = FreePort();
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"Page{Guid.NewGuid():N}"[..24]);
        settings["ServiceBus:Port"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture); // no broker: the page needs none
        foreach (var (key, value) in issuer.Settings)
        {
            settings[key] = value;
        }

        await using var hub = new HubFactory(settings);
        hub.UseKestrel(port);
        hub.StartServer();

        var (exitCode, output) = await RunBrowserAsync(new Dictionary<string, string>
        {
            ["HUB_URL"] = $"http://127.0.0.1:{port}",
            ["WRITER_TOKEN"] = issuer.Mint("auth0|ada", [TestIssuer.WritePermission], name: "Ada Admin"),
            ["READER_TOKEN"] = issuer.Mint("auth0|rita", [TestIssuer.ReadPermission], name: "Rita Reader"),
            ["TEMPLATE_PREFIX"] = LogStreamRequests.RunId(),
            ["ARTIFACTS_DIR"] = ArtifactsDirectory,
        });

        Assert.True(exitCode == 0, output);
        Assert.Contains("every step passed", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(ArtifactsDirectory, "admin-templates-list.png")).Length > 10_000, "the list screenshot is written");
    }

    private static async Task<(int ExitCode, string Output)> RunBrowserAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("tests/Crm.Integration.EndToEnd.Tests/AdminPage/admin-page.browser.mjs");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        try
        {
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        return (node.ExitCode, $"admin-page.browser.mjs exited {node.ExitCode}:\n{await output}\n{await errors}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
