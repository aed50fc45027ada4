using Crm.Integration.Connectors.Secrets;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// A private-app token from the secret store. After HubSpot refused it, the store reads it again from its source, so
/// that a token rotated in Key Vault is used at once instead of at the next scheduled read.
/// </summary>
internal sealed class PrivateAppTokenSource(ISecretStore secrets) : IHubSpotTokenSource
{
    private static readonly Task Never = new TaskCompletionSource().Task;

    public string? AuthorizationProblem => null;

    /// <summary>A private-app token has no authorisation to lose: a refused one is read again, not waited out.</summary>
    public Task AuthorizationChanged => Never;

    public async ValueTask<string> GetTokenAsync(bool afterRejection, CancellationToken cancellationToken) =>
        await (afterRejection
            ? secrets.RefreshAsync(SecretNames.HubSpotAccessToken, cancellationToken)
            : secrets.GetAsync(SecretNames.HubSpotAccessToken, cancellationToken)).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Secret '{SecretNames.HubSpotAccessToken}' is not set.");
}
