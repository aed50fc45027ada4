using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.Storage;

/// <summary>Ready when the table service answers a query.</summary>
internal sealed class TableStorageHealthCheck(TableServiceClient service) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in service.QueryAsync(maxPerPage: 1, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
            {
                break;
            }

            return HealthCheckResult.Healthy("Table Storage answers.");
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Table Storage does not answer: {ex.Message.Split('\n')[0]}");
        }
    }
}
