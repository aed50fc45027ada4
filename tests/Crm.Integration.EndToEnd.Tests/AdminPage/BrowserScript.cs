using System.Diagnostics;
using Crm.Integration.Testing;

namespace Crm.Integration.EndToEnd.Tests.AdminPage;

/// <summary>Runs one of the page's browser scripts (Node, playwright-core, Debian's Chromium) and collects what it printed.</summary>
internal static class BrowserScript
{
    public static string ArtifactsDirectory => Path.Combine(RepositoryPaths.Root, "artifacts", "admin-page");

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add($"tests/Crm.Integration.EndToEnd.Tests/AdminPage/{script}");
        start.Environment["ARTIFACTS_DIR"] = ArtifactsDirectory;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        try
        {
            await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        }
        catch (TimeoutException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        return (node.ExitCode, $"{script} exited {node.ExitCode}:\n{await output}\n{await errors}");
    }
}
