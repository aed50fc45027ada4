using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Integration.Testing;

namespace Crm.Integration.Infra.Tests;

/// <summary>
/// The Dockerfile without Docker (no engine runs here): its build stage replayed — each <c>COPY</c> into a folder
/// standing for <c>/src</c> (honouring the <c>**/</c> patterns of .dockerignore), then each <c>RUN</c> there, with
/// <c>/app</c> a folder of its own — and the runtime stage's <c>ENV</c> and <c>HEALTHCHECK</c> read for the test to use.
/// What it cannot show: the base images, the non-root user, the layer cache.
/// </summary>
internal sealed partial class DockerfileReplay
{
    private readonly List<string> _buildStage = [];
    private readonly List<string> _runtimeStage = [];

    public DockerfileReplay()
    {
        var lines = Continued().Replace(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Dockerfile")), " ")
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var stage = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("FROM ", StringComparison.Ordinal))
            {
                stage++;
            }

            (stage == 1 ? _buildStage : _runtimeStage).Add(line);
        }
    }

    /// <summary>The runtime stage's environment (ENV lines).</summary>
    public IReadOnlyDictionary<string, string> Environment => _runtimeStage
        .Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
        .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        .Select(pair => pair.Split('=', 2))
        .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    /// <summary>The HEALTHCHECK's command (exec form).</summary>
    public string[] HealthCheck => JsonSerializer.Deserialize<string[]>(
        _runtimeStage.Single(l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal)).Split("CMD ", 2)[1])!;

    /// <summary>Runs the build stage with <paramref name="app"/> for <c>/app</c>; returns the log, or throws.</summary>
    public async Task<string> BuildAsync(string source, string app)
    {
        var ignored = (await File.ReadAllLinesAsync(Path.Combine(RepositoryPaths.Root, ".dockerignore")))
            .Where(l => l.StartsWith("**/", StringComparison.Ordinal)).Select(l => l[3..].TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var log = new System.Text.StringBuilder();
        foreach (var line in _buildStage)
        {
            if (line.StartsWith("COPY ", StringComparison.Ordinal))
            {
                var parts = line[5..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var destination = Path.Combine(source, parts[^1]);
                foreach (var from in parts[..^1])
                {
                    Copy(Path.Combine(RepositoryPaths.Root, from), from.EndsWith('/') ? destination : Path.Combine(destination, Path.GetFileName(from)), ignored);
                }
            }
            else if (line.StartsWith("RUN ", StringComparison.Ordinal))
            {
                var command = line[4..].Replace(" /app", $" {app}", StringComparison.Ordinal);
                var start = new ProcessStartInfo("bash") { WorkingDirectory = source, RedirectStandardOutput = true, RedirectStandardError = true };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add(command);
                using var process = Process.Start(start)!;
                var output = process.StandardOutput.ReadToEndAsync();
                var errors = process.StandardError.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                await process.WaitForExitAsync(timeout.Token);
                log.AppendLine($"$ {command}").AppendLine(await output).AppendLine(await errors);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException($"The Dockerfile's build stage failed at: {line}\n{log}");
                }
            }
        }

        return log.ToString();
    }

    private static void Copy(string from, string to, IReadOnlySet<string> ignored)
    {
        if (File.Exists(from))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(from, to, overwrite: true);
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(from))
        {
            if (!ignored.Contains(Path.GetFileName(entry)))
            {
                Copy(entry, Path.Combine(to, Path.GetFileName(entry)), ignored);
            }
        }
    }

    [GeneratedRegex(@"\\\r?\n")]
    private static partial Regex Continued();
}
