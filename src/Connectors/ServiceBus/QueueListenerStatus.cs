using System.Collections.Concurrent;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// What each queue trigger's link is doing, for readiness: a trigger that cannot attach (a missing entity, a broker
/// that refuses it) must make the host not-ready, not just write logs. Also the last send problem of each entity that
/// only configuration can fix (a missing entity, refused credentials).
/// </summary>
internal sealed class QueueListenerStatus
{
    private readonly ConcurrentDictionary<string, string?> _problems = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _sendProblems = new(StringComparer.Ordinal);

    public void Attached(string entity) => _problems[entity] = null;

    public void Failed(string entity, string problem) => _problems[entity] = problem;

    public void SendSucceeded(string entity) => _sendProblems.TryRemove(entity, out _);

    public void SendFailed(string entity, string problem) => _sendProblems[entity] = problem;

    /// <summary>Entities whose receiver is not attached now, with the last reason.</summary>
    public IReadOnlyList<string> Problems() =>
        _problems.Where(p => p.Value is not null).Select(p => $"{p.Key}: {p.Value}").Order(StringComparer.Ordinal).ToList();

    /// <summary>Entities whose last send failed for a reason only configuration can fix.</summary>
    public IReadOnlyList<string> SendProblems() =>
        _sendProblems.Select(p => $"{p.Key}: {p.Value}").Order(StringComparer.Ordinal).ToList();

    public IReadOnlyList<string> Receiving() =>
        _problems.Where(p => p.Value is null).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
}
