using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Common;

/// <summary>
/// Settings admins keep in one partition of the <c>Lookups</c> table, read and kept for <see cref="LookupsOptions.CacheFor"/>, so
/// that an edit takes effect within a minute without a table read per message. Storage down → the settings last read
/// (or the defaults) stay in use.
/// </summary>
internal sealed class LookupSettings<T>(
    string partition, Func<IReadOnlyDictionary<string, string>, T> parse, T defaults, ILookups lookups, TimeSpan cacheFor, TimeProvider time, ILogger logger)
{
    private readonly TimedCache<string, T> _cache = new(cacheFor, time);
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Registers the settings of one partition as a singleton.</summary>
    public static void Register(IServiceCollection services, string partition, Func<IReadOnlyDictionary<string, string>, T> parse, T defaults) =>
        services.AddSingleton(provider => new LookupSettings<T>(
            partition,
            parse,
            defaults,
            provider.GetRequiredService<ILookups>(),
            provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<LookupsOptions>>().Value.CacheFor,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>().CreateLogger<LookupSettings<T>>()));

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
