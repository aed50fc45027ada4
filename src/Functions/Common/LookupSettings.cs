using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Common;

/// <summary>
/// Settings admins keep in one partition of the <c>Lookups</c> table, read and kept for <see cref="CacheFor"/>, so
/// that an edit takes effect within a minute without a table read per message. Storage down → the settings last read
/// (or the defaults) stay in use.
/// </summary>
internal sealed class LookupSettings<T>(
    string partition, Func<IReadOnlyDictionary<string, string>, T> parse, T defaults, ILookups lookups, TimeProvider time, ILogger logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly TimedCache<string, T> _cache = new(CacheFor, time);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async ValueTask<T> GetAsync(CancellationToken cancellationToken)
    {
        if (_cache.TryGet(partition, out var cached))
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cache.TryGet(partition, out var fresh))
            {
                return fresh;
            }

            T settings;
            try
            {
                settings = parse(await lookups.GetPartitionAsync(partition, cancellationToken).ConfigureAwait(false));
            }
            catch (StorageUnavailableException ex)
            {
                Log.LookupsUnreadable(logger, partition, ex.Message);
                settings = _cache.TryGetStale(partition, out var stale) ? stale : defaults;
            }

            _cache.Set(partition, settings);
            return settings;
        }
        finally
        {
            _gate.Release();
        }
    }
}
