namespace Crm.Integration.Connectors.HubSpot;

/// <summary>What the budget heartbeat last found, for the health report: kept apart from the coordinator, which needs storage.</summary>
internal sealed class SharedBudgetStatus : IReplicaCensus
{
    private int _liveReplicas = 1;

    /// <summary>The replicas, this one included, that the last heartbeat found live (1 when the budget is not shared).</summary>
    public int LiveReplicas
    {
        get => Volatile.Read(ref _liveReplicas);
        set => Volatile.Write(ref _liveReplicas, value);
    }
}
