using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// What this replica may spend of the portal's budget, for operators and for tests that run several hub processes:
/// its share, the portal's limit and the live replicas it splits with. Degraded (still ready: messages wait, none is
/// lost) while its share has run out because its heartbeats fail.
/// </summary>
internal sealed class HubSpotBudgetHealthCheck(HubSpotRateLimiter limiter, TimeProvider time, SharedBudgetCoordinator? coordinator = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["share"] = limiter.Limit,
            ["portalLimit"] = limiter.PortalLimit,
            ["liveReplicas"] = coordinator?.LiveReplicas ?? 1,
        };
        var description = $"{limiter.Limit} of {limiter.PortalLimit} calls per 10 s";
        return Task.FromResult(time.GetUtcNow() >= limiter.ShareValidUntil
            ? HealthCheckResult.Degraded($"{description}: the share ran out, the budget heartbeat fails; HubSpot calls wait", data: data)
            : HealthCheckResult.Healthy(description, data));
    }
}
