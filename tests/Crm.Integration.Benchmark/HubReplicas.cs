using Crm.Integration.Testing;

namespace Crm.Integration.Benchmark;

/// <summary>The hub processes beside the first when the benchmark runs several replicas: their cost counts with its own.</summary>
internal sealed class HubReplicas : IAsyncDisposable
{
    private readonly List<HubProcess> _processes = [];

    public void Add(HubProcess process) => _processes.Add(process);

    public IEnumerable<Uri> Addresses => _processes.Select(process => process.Address);

    public TimeSpan CpuTime => _processes.Aggregate(TimeSpan.Zero, (total, process) => total + process.CpuTime);

    public long PeakRssBytes => _processes.Select(process => process.PeakRssBytes).DefaultIfEmpty().Max();

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
