namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// A lease per job, shared by every replica through storage, so that a scheduled job runs once across replicas.
/// Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface IJobLeases
{
    /// <summary>
    /// Takes the job's lease for <paramref name="duration"/>: false while another owner's lease runs, or — for a
    /// scheduled run (<paramref name="occurrence"/> given) — when that occurrence or a later one was claimed already
    /// (another replica ran it). An on-demand run passes no occurrence.
    /// </summary>
    Task<bool> TryAcquireAsync(string job, string owner, DateTimeOffset? occurrence, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Extends the lease; false when it is not this owner's any more (it expired and another took it).</summary>
    Task<bool> RenewAsync(string job, string owner, TimeSpan duration, CancellationToken cancellationToken);

    /// <summary>Ends the lease early if this owner holds it; the claimed occurrence stays recorded.</summary>
    Task ReleaseAsync(string job, string owner, CancellationToken cancellationToken);
}
