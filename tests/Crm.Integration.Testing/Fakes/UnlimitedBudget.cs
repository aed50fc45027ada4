using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Testing.Fakes;

/// <summary>A HubSpot budget that always has room, or never, as the test needs.</summary>
public sealed class UnlimitedBudget : IHubSpotBudget
{
    public TaskCompletionSource Capacity { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Spent { get; set; }

    public ValueTask WaitForCapacityAsync(CancellationToken cancellationToken) =>
        Spent ? new ValueTask(Capacity.Task.WaitAsync(cancellationToken)) : ValueTask.CompletedTask;
}
