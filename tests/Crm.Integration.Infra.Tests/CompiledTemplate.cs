using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Crm.Integration.Testing;

namespace Crm.Integration.Infra.Tests;

/// <summary>
/// infra/bicep/main.bicep as ARM JSON (<c>bicep build --stdout</c>, the Bicep CLI restored from NuGet), with the
/// lookups the tests need: each module's template, its resources, variables and parameters.
/// </summary>
internal static class CompiledTemplate
{
    private static readonly Lazy<JsonObject> Main = new(() => (JsonObject)JsonNode.Parse(Bicep("build", "main.bicep", "--stdout").Output)!);

    public static string BicepFolder => Path.Combine(RepositoryPaths.Root, "infra", "bicep");

    public static JsonObject Root => Main.Value;

    /// <summary>The template of the module deployed under <paramref name="name"/> (its symbolic name in main.bicep).</summary>
    public static JsonObject Module(string name) =>
        (JsonObject)Resources(Root).Single(r => r.Symbol == name && (string?)r.Body["type"] == "Microsoft.Resources/deployments")
            .Body["properties"]!["template"]!;

    /// <summary>The parameters main.bicep passes to a module, as written (values are often expressions).</summary>
    public static JsonObject ModuleParameters(string name) =>
        (JsonObject)Resources(Root).Single(r => r.Symbol == name).Body["properties"]!["parameters"]!;

    /// <summary>A template's resources, whether the compiler wrote them as a list or (language version 2.0) by symbol.</summary>
    public static IEnumerable<(string? Symbol, JsonObject Body)> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray list => list.Select(r => ((string?)null, (JsonObject)r!)),
        JsonObject bySymbol => bySymbol.Select(p => ((string?)p.Key, (JsonObject)p.Value!)),
        _ => [],
    };

    public static IEnumerable<JsonObject> OfType(JsonObject template, string type) =>
        Resources(template).Select(r => r.Body).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Every template, main and modules, for checks that hold everywhere.</summary>
    public static IEnumerable<JsonObject> AllTemplates()
    {
        yield return Root;
        foreach (var module in Resources(Root).Where(r => (string?)r.Body["type"] == "Microsoft.Resources/deployments"))
        {
            yield return (JsonObject)module.Body["properties"]!["template"]!;
        }
    }

    /// <summary>Runs the Bicep CLI in infra/bicep; returns its exit code, standard output and diagnostics.</summary>
    public static (int ExitCode, string Output, string Diagnostics) Bicep(params string[] arguments)
    {
        var start = new ProcessStartInfo(BicepPath())
        {
            WorkingDirectory = BicepFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} did not finish in 2 minutes.");
        }

        var result = (process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
        return result.ExitCode == 0 || arguments[0] == "lint"
            ? result
            : throw new InvalidOperationException($"bicep {string.Join(' ', arguments)} failed ({result.ExitCode}):\n{result.Item3}");
    }

    private static string BicepPath()
    {
        var path = typeof(CompiledTemplate).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        return File.Exists(path) ? path : throw new FileNotFoundException($"The Bicep CLI is not at {path}: restore this project.", path);
    }
}
