namespace Crm.Integration.Connectors.Secrets;

/// <summary>
/// Where credentials come from. Backed by configuration (environment variables, user secrets) for now; Key Vault backs
/// it in production. Callers ask on every use, so that a rotated value takes effect without a restart.
/// </summary>
public interface ISecretStore
{
    /// <summary>The current value of the secret, or null when it is not set.</summary>
    ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken);
}
