using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Ready when the broker connection is open (or opens now) and every queue trigger's link is attached.</summary>
internal sealed class ServiceBusHealthCheck(AmqpConnection connection, QueueListenerStatus listeners) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await connection.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QueueUnavailableException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message);
        }

        var problems = listeners.Problems();
        return problems.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, $"Broker connection is open; not receiving from {string.Join("; ", problems)}")
            : HealthCheckResult.Healthy($"Broker connection is open; receiving from {string.Join(", ", listeners.Receiving().DefaultIfEmpty("no queue yet"))}.");
    }
}
