using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Readiness of the Azure transport. The client connects on demand and recovers by itself, so readiness shows what
/// only configuration can fix, as the receivers and senders last met it: a missing entity, refused credentials.
/// </summary>
internal sealed class ServiceBusHealthCheck(ServiceBusClient client, QueueListenerStatus status, ServiceBusSettlementMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var transport = $"Transport AzureServiceBus ({client.FullyQualifiedNamespace})";
        if (client.IsClosed)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"{transport}: the client is closed."));
        }

        var problems = status.Problems().Concat(status.SendProblems().Select(p => $"sending to {p}")).ToList();
        var lockLost = metrics.LockLostTotal == 0 ? "" : $" {metrics.LockLostTotal} settlements came after their lock was lost.";
        return Task.FromResult(problems.Count > 0
            ? new HealthCheckResult(context.Registration.FailureStatus, $"{transport}: not working for {string.Join("; ", problems)}.{lockLost}")
            : HealthCheckResult.Healthy(
                $"{transport}: receiving from {string.Join(", ", status.Receiving().DefaultIfEmpty("no queue yet"))}.{lockLost}"));
    }
}
