using System.Collections.Concurrent;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// What each queue trigger's link is doing, for readiness: a trigger that cannot attach (a missing entity, a broker
/// that refuses it) must make the host not-ready, not just write logs.
/// </summary>
internal sealed class QueueListenerStatus
{
    private readonly ConcurrentDictionary<string, string?> _problems = new(StringComparer.Ordinal);

    public void Attached(string entity) => _problems[entity] = null;

    public void Failed(string entity, string problem) => _problems[entity] = problem;

    /// <summary>Entities whose receiver is not attached now, with the last reason.</summary>
    public IReadOnlyList<string> Problems() =>
        _problems.Where(p => p.Value is not null).Select(p => $"{p.Key}: {p.Value}").Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Receiving() =>
        _problems.Where(p => p.Value is null).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
}
