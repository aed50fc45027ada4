namespace Crm.Integration.Connectors.HubSpot;

/// <summary>The portal's budget as callers that prepare work see it: whether HubSpot could take a call now.</summary>
public interface IHubSpotBudget
{
    /// <summary>Completes when a call would be let through now (without taking the permit).</summary>
    ValueTask WaitForCapacityAsync(CancellationToken cancellationToken);
}
