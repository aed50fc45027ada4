using System.Collections.Concurrent;

namespace Crm.Integration.Testing.ServiceBusDouble;

/// <summary>
/// Every kind of AMQP traffic the double saw (attaches by address and role, $cbs and $management operations, settlement
/// outcomes), for tests to assert on and to write down what the SDK sends.
/// </summary>
public sealed class DoubleTraffic
{
    private readonly ConcurrentQueue<string> _events = new();

    public IReadOnlyList<string> Events => _events.ToList();

    /// <summary>Each kind once, in the order first seen.</summary>
    public IReadOnlyList<string> Kinds() => _events.Distinct(StringComparer.Ordinal).ToList();

    public void Record(string what) => _events.Enqueue(what);

    public int Count(string what) => _events.Count(e => string.Equals(e, what, StringComparison.Ordinal));
}
