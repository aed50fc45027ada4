namespace Crm.Integration.Connectors.HubSpot;

/// <summary>How many replicas of the hub are live, as the shared budget's heartbeats last found (1 when not shared).</summary>
public interface IReplicaCensus
{
    int LiveReplicas { get; }
}
