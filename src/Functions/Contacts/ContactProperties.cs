using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Contacts;

/// <summary>
/// The property names in force: read from the <c>Lookups</c> table and kept for <see cref="CacheFor"/>, so that an
/// admin's edit takes effect within a minute without a table read per message. Storage down → the last names read
/// (or the defaults) stay in use.
/// </summary>
internal sealed class ContactProperties(ILookups lookups, TimeProvider time, ILogger<ContactProperties> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (ContactPropertyNames Names, DateTimeOffset ReadAt)? _cached;

    public async ValueTask<ContactPropertyNames> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && time.GetUtcNow() - cached.ReadAt < CacheFor)
        {
            return cached.Names;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_cached is { } fresh && time.GetUtcNow() - fresh.ReadAt < CacheFor)
            {
                return fresh.Names;
            }

            ContactPropertyNames names;
            try
            {
                names = ContactPropertyNames.From(await lookups.GetPartitionAsync(ContactPropertyNames.LookupPartition, cancellationToken).ConfigureAwait(false));
            }
            catch (StorageUnavailableException ex)
            {
                Log.PropertyNamesUnreadable(logger, ex.Message);
                names = _cached?.Names ?? ContactPropertyNames.Defaults;
            }

            _cached = (names, time.GetUtcNow());
            return names;
        }
        finally
        {
            _gate.Release();
        }
    }
}
