using System.Collections.Concurrent;
using Crm.Integration.Connectors.Secrets;

namespace Crm.Integration.Testing.Fakes;

/// <summary>
/// A secret store over a source a test changes (<see cref="Source"/>, "the vault"): reads are kept until
/// <see cref="Expire"/> or a refresh, as the Key Vault store keeps them.
/// </summary>
public sealed class InMemorySecretStore : ISecretStore
{
    private readonly ConcurrentDictionary<string, string?> _held = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> Source { get; } = new(StringComparer.Ordinal);

    public int Refreshes { get; private set; }

    public ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_held.GetOrAdd(name, n => Source.GetValueOrDefault(n)));

    public ValueTask<string?> RefreshAsync(string name, CancellationToken cancellationToken)
    {
        Refreshes++;
        _held[name] = Source.GetValueOrDefault(name);
        return ValueTask.FromResult(_held[name]);
    }

    /// <summary>The refresh interval passed: the next read goes to the source.</summary>
    public void Expire() => _held.Clear();
}
