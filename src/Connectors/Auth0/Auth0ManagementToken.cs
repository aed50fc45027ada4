using Crm.Integration.Connectors.Http;
using System.Net;
using System.Net.Http.Json;
using Crm.Integration.Connectors.Secrets;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Auth0;

/// <summary>
/// A client-credentials token for the Management API, cached until shortly before it expires and fetched once for
/// all concurrent callers (Auth0 limits token requests too).
/// </summary>
internal sealed class Auth0ManagementToken(IHttpClientFactory clients, ISecretStore secrets, IOptions<Auth0Options> options, TimeProvider time)
    : IBearerTokenSource
{
    public const string HttpClientName = "auth0-token";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _cached;

    public async ValueTask<string> GetTokenAsync(bool afterRejection, CancellationToken cancellationToken)
    {
        if (!afterRejection && _cached is { } cached && time.GetUtcNow() < cached.RenewAt)
        {
            return cached.Token;
        }

        var stale = _cached?.Token;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have renewed it while this one waited.
            if (_cached is { } renewed && renewed.Token != stale && time.GetUtcNow() < renewed.RenewAt)
            {
                return renewed.Token;
            }

            var response = await RequestTokenAsync(rereadCredentials: false, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                // The client secret may have been rotated in the vault since it was read: read it again, once.
                response.Dispose();
                response = await RequestTokenAsync(rereadCredentials: true, cancellationToken).ConfigureAwait(false);
            }

            using var answered = response;
            if (!response.IsSuccessStatusCode)
            {
                throw new Auth0UnavailableException($"Auth0 refused a Management API token: {(int)response.StatusCode} {response.ReasonPhrase}.");
            }

            var token = await response.Content.ReadFromJsonAsync(Auth0JsonContext.Default.TokenResponse, cancellationToken).ConfigureAwait(false)
                ?? throw new Auth0UnavailableException("Auth0 answered the token request with no token.");
            var renewAt = time.GetUtcNow() + TimeSpan.FromSeconds(token.ExpiresIn) - options.Value.TokenRefreshMargin;
            _cached = (token.AccessToken, renewAt);
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<HttpResponseMessage> RequestTokenAsync(bool rereadCredentials, CancellationToken cancellationToken)
    {
        var clientId = await Secret(SecretNames.Auth0ManagementClientId).ConfigureAwait(false);
        var clientSecret = await Secret(SecretNames.Auth0ManagementClientSecret).ConfigureAwait(false);
        if (clientId is null || clientSecret is null)
        {
            throw new Auth0UnavailableException(
                $"Secrets '{SecretNames.Auth0ManagementClientId}' and '{SecretNames.Auth0ManagementClientSecret}' are needed to read Auth0 users.");
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
            ["audience"] = options.Value.EffectiveAudience,
        });
        return await clients.CreateClient(HttpClientName).PostAsync("oauth/token", form, cancellationToken).ConfigureAwait(false);

        ValueTask<string?> Secret(string name) =>
            rereadCredentials ? secrets.RefreshAsync(name, cancellationToken) : secrets.GetAsync(name, cancellationToken);
    }
}
