using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests.AdminPage;

/// <summary>
/// The admin page in headless Chromium (Debian's), driven by playwright-core from <c>admin-page.browser.mjs</c>,
/// against the hub on a real port. Screenshots land in <c>artifacts/admin-page/</c>.
/// </summary>
public sealed class AdminPageBrowserTests
{
    [Fact]
    public async Task AnAdmin_CreatesListsEditsSeesFieldErrorsAndAConflict_ReadsTheHistory_AndDeletes_InARealBrowser()
    {
        await TestStack.Shared.UpAsync("azurite");
        using var issuer = new TestIssuer();
        var port = FreePorts.Next();
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"Page{Guid.NewGuid():N}"[..24]);
        settings["ServiceBus:Port"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture); // no broker: the page needs none
        foreach (var (key, value) in issuer.Settings)
        {
            settings[key] = value;
        }

        await using var hub = new HubFactory(settings);
        hub.UseKestrel(port);
        hub.StartServer();

        var (exitCode, output) = await BrowserScript.RunAsync("admin-page.browser.mjs", new Dictionary<string, string>
        {
            ["HUB_URL"] = $"http://127.0.0.1:{port}",
            ["WRITER_TOKEN"] = issuer.Mint("auth0|ada", [TestIssuer.WritePermission], name: "Ada Admin"),
            ["READER_TOKEN"] = issuer.Mint("auth0|rita", [TestIssuer.ReadPermission], name: "Rita Reader"),
            ["TEMPLATE_PREFIX"] = LogStreamRequests.RunId(),
        });

        Assert.True(exitCode == 0, output);
        Assert.Contains("every step passed", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(Path.Combine(BrowserScript.ArtifactsDirectory, "admin-templates-list.png")).Length > 10_000, "the list screenshot is written");
    }
}
