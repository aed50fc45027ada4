namespace Crm.Integration.Connectors.Secrets;

/// <summary>
/// Where credentials come from: Azure Key Vault when <c>KeyVault:VaultUri</c> is set, configuration (environment
/// variables, user secrets) otherwise. Callers ask on every use, so that a rotated value takes effect without a restart.
/// </summary>
public interface ISecretStore
{
    /// <summary>
    /// The value of the secret (kept for a while by stores that read a remote source), or null when it is not set.
    /// Throws <see cref="SecretStoreUnavailableException"/> when the source cannot be reached and nothing was read before.
    /// </summary>
    ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the secret from its source again now — for when a peer refused the value in hand, which may have been
    /// rotated. Stores may answer from a read made moments ago, so that a flood of refusals cannot flood the source.
    /// </summary>
    ValueTask<string?> RefreshAsync(string name, CancellationToken cancellationToken);
}

/// <summary>The secret store's source cannot be reached, and no value was read from it before.</summary>
public sealed class SecretStoreUnavailableException : Exception
{
    public SecretStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public SecretStoreUnavailableException()
    {
    }

    public SecretStoreUnavailableException(string message)
        : base(message)
    {
    }
}
