using System.Security.Cryptography;
using System.Text;
using Crm.Integration.Connectors.Secrets;

namespace Crm.Integration.Connectors.Storage;

/// <summary>The keyed fingerprints of one person: what the ledger's person columns hold.</summary>
internal sealed record PersonFingerprint(string? Email, string? Auth0UserId);

/// <summary>
/// HMAC-SHA256 of the normalised email or Auth0 user id, keyed by the secret <see cref="SecretNames.PersonFingerprintKey"/>
/// (configuration locally, Key Vault in Azure). Keyed, unlike a plain hash, so that whoever reads the tables cannot
/// confirm a guessed address by hashing it. Without the secret no fingerprint is written (and erasure cannot find
/// ledger rows by person); with another key, rows written under the old one cannot be found: do not rotate it.
/// </summary>
/// <remarks>The store is optional so that storage alone (its tests, tools) works without secrets: then no fingerprints.</remarks>
internal sealed class PersonFingerprints(ISecretStore? secrets = null)
{
    private const string Version = "h1:"; // a later scheme or key gets another prefix; 128 bits are plenty to match on

    /// <summary>Null when no key is configured or the person is not known.</summary>
    public async ValueTask<PersonFingerprint?> OfAsync(PersonIds? person, CancellationToken cancellationToken)
    {
        if (person is null || secrets is null || await secrets.GetAsync(SecretNames.PersonFingerprintKey, cancellationToken).ConfigureAwait(false) is not { Length: > 0 } key)
        {
            return null;
        }

        var keyBytes = Encoding.UTF8.GetBytes(key);
        return new PersonFingerprint(Of(keyBytes, "email:", person.NormalizedEmail), Of(keyBytes, "auth0:", person.NormalizedAuth0UserId));
    }

    // The kind is part of the message, so that an email and a user id with the same text never share a fingerprint.
    private static string? Of(byte[] key, string kind, string? value) =>
        value is null ? null : Version + Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(kind + value)))[..32];
}
