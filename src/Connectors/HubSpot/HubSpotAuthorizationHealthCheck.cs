using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>Not ready while HubSpot will not issue tokens to the hub: the check says what an operator must do.</summary>
internal sealed class HubSpotAuthorizationHealthCheck(IHubSpotTokenSource tokens) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(tokens.AuthorizationProblem is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy("HubSpot credentials in hand."));
}
