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

    /// <summary>Dates another replica stored: in the table (read, advanced against) but not in this process's memory (<see cref="Known"/>).</summary>
    public ConcurrentDictionary<(string Email, ContactDate Date), long> ClaimedElsewhere { get; } = new();

    public Task<long?> GetAsync(string email, ContactDate date, CancellationToken cancellationToken) => Task.FromResult(Stored(email, date));

    public long? Known(string email, ContactDate date) => Written.TryGetValue((email, date), out var ms) ? ms : null;

    public Task<long> AdvanceAsync(string email, ContactDate date, long epochMilliseconds, CancellationToken cancellationToken) =>
        Task.FromResult(Stored(email, date) is { } stored && stored >= epochMilliseconds
            ? stored
            : Written.AddOrUpdate((email, date), epochMilliseconds, (_, mine) => Math.Max(mine, epochMilliseconds)));

    private long? Stored(string email, ContactDate date)
    {
        long? mine = Written.TryGetValue((email, date), out var ms) ? ms : null;
        long? theirs = ClaimedElsewhere.TryGetValue((email, date), out var other) ? other : null;
        return mine is null ? theirs : theirs is null ? mine : Math.Max(mine.Value, theirs.Value);
    }
}
