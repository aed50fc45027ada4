using System.Collections.Concurrent;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Testing.Fakes;

public sealed class InMemoryLookups : ILookups
{
    public ConcurrentDictionary<string, Dictionary<string, string>> Partitions { get; } = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, string>> GetPartitionAsync(string partition, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(Partitions.GetValueOrDefault(partition) ?? []);
}

public sealed class InMemoryContactDates : IContactDates
{
    public ConcurrentDictionary<(string Email, ContactDate Date), long> Written { get; } = new();

    public Task<long?> GetAsync(string email, ContactDate date, CancellationToken cancellationToken) =>
        Task.FromResult(Written.TryGetValue((email, date), out var ms) ? ms : (long?)null);

    public long? Known(string email, ContactDate date) => Written.TryGetValue((email, date), out var ms) ? ms : null;

    public Task<long> AdvanceAsync(string email, ContactDate date, long epochMilliseconds, CancellationToken cancellationToken) =>
        Task.FromResult(Written.AddOrUpdate((email, date), epochMilliseconds, (_, stored) => Math.Max(stored, epochMilliseconds)));
}
