using Microsoft.Extensions.Configuration;

namespace Crm.Integration.Connectors.Secrets;

/// <summary>
/// Secrets from configuration section <c>Secrets</c>: e.g. environment variable <c>Secrets__Auth0LogStreamToken</c>.
/// Read on every call, so a reloaded configuration source is picked up.
/// </summary>
internal sealed class ConfigurationSecretStore(IConfiguration configuration) : ISecretStore
{
    public const string SectionName = "Secrets";

    public ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var value = configuration[$"{SectionName}:{name}"];
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(value) ? null : value);
    }

    public ValueTask<string?> RefreshAsync(string name, CancellationToken cancellationToken) => GetAsync(name, cancellationToken);
}
