using Crm.Integration.Connectors.Secrets;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>A private-app token from the secret store, read on every call so that a rotated token is used at once.</summary>
internal sealed class PrivateAppTokenSource(ISecretStore secrets) : IHubSpotTokenSource
{
    public async ValueTask<string> GetTokenAsync(bool afterRejection, CancellationToken cancellationToken) =>
        await secrets.GetAsync(SecretNames.HubSpotAccessToken, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Secret '{SecretNames.HubSpotAccessToken}' is not set.");
}
