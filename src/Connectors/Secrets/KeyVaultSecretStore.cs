using System.Collections.Concurrent;
using Azure;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Secrets;

/// <summary>
/// Secrets from Azure Key Vault, each kept for <see cref="KeyVaultOptions.RefreshInterval"/> after it was read, and read
/// again at once (at most every <see cref="KeyVaultOptions.MinimumRereadInterval"/>) when a peer refused it. When the vault cannot be
/// reached after a value was read, the value in hand stays in use and <see cref="LastFailure"/> says why, for readiness.
/// </summary>
internal sealed class KeyVaultSecretStore(SecretClient client, IOptions<KeyVaultOptions> options, TimeProvider time, ILogger<KeyVaultSecretStore> logger)
    : ISecretStore
{
    private readonly ConcurrentDictionary<string, (string? Value, DateTimeOffset ReadAt)> _values = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reads = new(1, 1);
    private volatile string? _lastFailure;

    /// <summary>Why the last read from the vault failed, or null when it succeeded.</summary>
    public string? LastFailure => _lastFailure;

    public ValueTask<string?> GetAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(name, options.Value.RefreshInterval, cancellationToken);

    public ValueTask<string?> RefreshAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(name, options.Value.MinimumRereadInterval, cancellationToken);

    private async ValueTask<string?> ReadAsync(string name, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (_values.TryGetValue(name, out var held) && time.GetUtcNow() - held.ReadAt < maxAge)
        {
            return held.Value;
        }

        await _reads.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_values.TryGetValue(name, out var fresh) && time.GetUtcNow() - fresh.ReadAt < maxAge)
            {
                return fresh.Value;
            }

            string? value;
            try
            {
                value = (await client.GetSecretAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false)).Value.Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                value = null;
            }
            catch (Exception ex) when (ex is RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or HttpRequestException)
            {
                var why = $"Key Vault {client.VaultUri} cannot be read: {(ex is RequestFailedException failed ? $"{failed.Status} {failed.ErrorCode}" : ex.GetType().Name)}.";
                _lastFailure = why;
                Log.VaultUnreachable(logger, name, why);
                if (_values.TryGetValue(name, out var stale))
                {
                    return stale.Value; // serve with what was read before; readiness reports the vault
                }

                throw new SecretStoreUnavailableException(why, ex);
            }

            _lastFailure = null;
            if (_values.TryGetValue(name, out var before) && before.Value != value)
            {
                Log.SecretChanged(logger, name);
            }

            _values[name] = (value, time.GetUtcNow());
            return value;
        }
        finally
        {
            _reads.Release();
        }
    }
}
