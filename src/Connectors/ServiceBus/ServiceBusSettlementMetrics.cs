using System.Diagnostics.Metrics;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// Settlements that came too late: the lock had expired (or went with a dropped connection), so the message will come
/// again and its second handling must have no second effect. Counted as <c>crm.servicebus.settlements.lock_lost</c>
/// and shown by readiness.
/// </summary>
internal sealed class ServiceBusSettlementMetrics
{
    public const string MeterName = "Crm.Integration.ServiceBus";

    private readonly Counter<long> _lockLost;
    private long _lockLostTotal;

    public ServiceBusSettlementMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _lockLost = meter.CreateCounter<long>(
            "crm.servicebus.settlements.lock_lost", unit: "{message}", description: "Settlements refused because the message lock was lost.");
    }

    public long LockLostTotal => Interlocked.Read(ref _lockLostTotal);

    public void LockLost(string entity)
    {
        Interlocked.Increment(ref _lockLostTotal);
        _lockLost.Add(1, new KeyValuePair<string, object?>("entity", entity));
    }
}
