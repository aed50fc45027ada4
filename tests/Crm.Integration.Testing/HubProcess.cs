using System.Diagnostics;
using System.Globalization;
namespace Crm.Integration.Testing;

/// <summary>
/// The hub as it is deployed: its build (the configuration the tests were built in) started as a process of its own (so that its memory and CPU are its
/// own), configured by environment variables, sampled from <c>/proc</c>. Used by the benchmark, the chaos suite and the several-replica tests.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peakRssBytes;

    private HubProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _sampler = SampleAsync();
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>The highest resident set seen: <c>VmHWM</c> of the process, which the kernel keeps exactly.</summary>
    public long PeakRssBytes => Math.Max(_peakRssBytes, Status("VmHWM:") ?? 0);

    /// <summary>User plus system CPU time of the process so far.</summary>
    public TimeSpan CpuTime => ProcessCpu.Of(_process.Id);

    /// <param name="logFile">Where the hub's console output goes, under <c>.stack/</c>.</param>
    public static async Task<HubProcess> StartAsync(int port, IReadOnlyDictionary<string, string> settings, string logFile = "bench-hub.log")
    {
        var root = RepositoryPaths.Root;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(root, "src", "Functions", "bin", RepositoryPaths.Configuration, "net10.0", "Crm.Integration.Functions.dll"));
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(Path.Combine(root, "src", "Functions"));
        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The hub did not start.");
        var log = Path.Combine(root, ".stack", logFile);
        _ = Task.Run(async () => await File.WriteAllTextAsync(log, await process.StandardOutput.ReadToEndAsync()));
        _ = process.StandardError.ReadToEndAsync();
        var hub = new HubProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = hub.Address };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The hub exited with {process.ExitCode}; see {log}.");
            }

            try
            {
                using var ready = await http.GetAsync("/api/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return hub;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (waited.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("The hub was not ready within 2 minutes.");
            }

            await Task.Delay(250);
        }
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested && !_process.HasExited)
        {
            if (Status("VmRSS:") is { } rss && rss > _peakRssBytes)
            {
                _peakRssBytes = rss;
            }

            try
            {
                await Task.Delay(200, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private long? Status(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null; // the process is gone
        }
    }

    /// <summary>Ends the process at once with SIGKILL, as a crashed or evicted host ends: no shutdown, no settlement.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term!.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
        _stop.Dispose();
    }
}
