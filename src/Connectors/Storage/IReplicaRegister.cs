using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The replicas of the hub that spend one HubSpot budget, as heartbeats in a table every replica can read. Throws
/// <see cref="StorageUnavailableException"/> or <see cref="StorageRefusedException"/>.
/// </summary>
public interface IReplicaRegister
{
    /// <summary>
    /// Writes this replica's heartbeat — since when it has been live (<paramref name="firstSeen"/>) and the day it saw
    /// HubSpot's DAILY limit, if it did — and returns every replica's.
    /// </summary>
    Task<IReadOnlyList<ReplicaBeat>> BeatAsync(string replicaId, DateTimeOffset firstSeen, DateOnly? dailySpent, CancellationToken cancellationToken);
}
