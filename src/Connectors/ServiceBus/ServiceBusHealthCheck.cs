using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Ready when the broker connection is open or can be opened now.</summary>
internal sealed class ServiceBusHealthCheck(AmqpConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await connection.GetAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("Broker connection is open.");
        }
        catch (QueueUnavailableException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, ex.Message);
        }
    }
}
