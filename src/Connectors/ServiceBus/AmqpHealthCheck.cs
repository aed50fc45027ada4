using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Ready when both broker connections are open (or open now) and every queue trigger's link is attached.</summary>
internal sealed class AmqpHealthCheck(
    [FromKeyedServices(AmqpConnection.Sending)] AmqpConnection sending,
    [FromKeyedServices(AmqpConnection.Receiving)] AmqpConnection receiving,
    QueueListenerStatus listeners) : IHealthCheck
{
    private const string Transport = "Transport Amqp";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await sending.GetAsync(cancellationToken).ConfigureAwait(false);
            await receiving.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QueueUnavailableException ex)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{Transport}: {ex.Message}");
        }

        var problems = listeners.Problems();
        return problems.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, $"{Transport}: broker connections are open; not receiving from {string.Join("; ", problems)}")
            : HealthCheckResult.Healthy($"{Transport}: broker connections are open; receiving from {string.Join(", ", listeners.Receiving().DefaultIfEmpty("no queue yet"))}.");
    }
}
