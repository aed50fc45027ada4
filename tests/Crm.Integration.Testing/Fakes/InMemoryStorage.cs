using System.Collections.Concurrent;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Testing.Fakes;

public sealed class InMemoryLookups : ILookups
{
    public ConcurrentDictionary<string, Dictionary<string, string>> Partitions { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, string>> GetPartitionAsync(string partition, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(Partitions.GetValueOrDefault(partition) ?? []);
}

public sealed class InMemoryLastLoginStore : ILastLoginStore
{
    public ConcurrentDictionary<string, long> Written { get; } = new(StringComparer.Ordinal);

    public Task<long?> GetAsync(string email, CancellationToken cancellationToken) =>
        Task.FromResult(Written.TryGetValue(email, out var ms) ? ms : (long?)null);

    public Task<long> AdvanceAsync(string email, long epochMilliseconds, CancellationToken cancellationToken) =>
        Task.FromResult(Written.AddOrUpdate(email, epochMilliseconds, (_, stored) => Math.Max(stored, epochMilliseconds)));
}
