using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// HubSpot usage per UTC minute, as the replicas wrote it. Throws <see cref="StorageUnavailableException"/> when
/// storage cannot be reached.
/// </summary>
public interface IHubSpotUsage
{
    /// <summary>
    /// The minutes in [<paramref name="since"/>, <paramref name="until"/>) that had calls, oldest first, each summed
    /// across replicas. Minutes without a row are absent (no calls, or no replica running).
    /// </summary>
    Task<IReadOnlyList<HubSpotUsageMinute>> ReadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// Writes one replica's running totals, one row per minute, by upsert-replace: idempotent, never read first, so
    /// writing the same totals again (or larger ones later) is always right.
    /// </summary>
    Task WriteAsync(string replica, IReadOnlyList<HubSpotUsageMinute> minutes, CancellationToken cancellationToken);
}
