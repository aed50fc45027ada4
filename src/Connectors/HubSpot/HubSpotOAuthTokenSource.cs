using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Crm.Integration.Connectors.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// OAuth access tokens from HubSpot's token endpoint (<c>POST /oauth/v1/token</c>, refresh-token grant, form-encoded),
/// kept until <see cref="HubSpotOptions.TokenRefreshMargin"/> before they expire and renewed once for all concurrent
/// callers — on expiry or when HubSpot refused the token in hand. A refresh token HubSpot refuses (400, e.g.
/// <c>BAD_REFRESH_TOKEN</c>) is not tried again with every call: <see cref="AuthorizationProblem"/> says the app must be
/// re-authorised, and the endpoint is asked again only every <see cref="HubSpotOptions.ReauthorizationRetryInterval"/>
/// or as soon as the secret holds another refresh token.
/// </summary>
internal sealed class HubSpotOAuthTokenSource(
    IHttpClientFactory clients, ISecretStore secrets, IOptions<HubSpotOptions> options, TimeProvider time, ILogger<HubSpotOAuthTokenSource> logger)
    : IHubSpotTokenSource
{
    public const string HttpClientName = "hubspot-oauth";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset RenewAt)? _cached;
    private (string RefreshToken, DateTimeOffset RetryAt, string Problem)? _refused;

    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? AuthorizationProblem => _refused?.Problem;

    public Task AuthorizationChanged => Volatile.Read(ref _changed).Task;

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
            if (_cached is { } renewed && time.GetUtcNow() < renewed.RenewAt && (renewed.Token != stale || !afterRejection))
            {
                return renewed.Token;
            }

            return await RenewAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<string> RenewAsync(CancellationToken cancellationToken)
    {
        var refused = _refused;
        var refreshToken = await Secret(SecretNames.HubSpotRefreshToken, reread: refused is not null).ConfigureAwait(false);
        if (refused is { } r && r.RefreshToken == refreshToken && time.GetUtcNow() < r.RetryAt)
        {
            throw new HubSpotAuthorizationException(r.Problem);
        }

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = await Secret(SecretNames.HubSpotClientId, reread: refused is not null).ConfigureAwait(false),
            ["client_secret"] = await Secret(SecretNames.HubSpotClientSecret, reread: refused is not null).ConfigureAwait(false),
            ["refresh_token"] = refreshToken,
        });
        using var response = await clients.CreateClient(HttpClientName).PostAsync("oauth/v1/token", form, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            var error = await HubSpotResponses.ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            var problem = $"HubSpot refused the OAuth refresh token ({error.Status} {error.Category ?? "no category"}: {error.Message}). " +
                $"The app must be re-authorised and the new refresh token stored as secret '{SecretNames.HubSpotRefreshToken}'; " +
                "until then no HubSpot call is made.";
            var wasRefused = _refused is not null;
            _refused = (refreshToken, time.GetUtcNow() + options.Value.ReauthorizationRetryInterval, problem);
            _cached = null;
            if (!wasRefused)
            {
                Changed();
            }

            Log.ReauthorizationRequired(logger, error.Status, error.Category, error.CorrelationId);
            throw new HubSpotAuthorizationException(problem);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HubSpot's token endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }

        var token = await response.Content.ReadFromJsonAsync(OAuthJsonContext.Default.OAuthTokenResponse, cancellationToken).ConfigureAwait(false);
        if (token?.AccessToken is not { Length: > 0 } accessToken)
        {
            throw new HttpRequestException("HubSpot's token endpoint answered without an access token.");
        }

        var lifetime = TimeSpan.FromSeconds(token.ExpiresIn);
        // Never renew later than halfway through a short-lived token, whatever the margin.
        var margin = options.Value.TokenRefreshMargin < lifetime / 2 ? options.Value.TokenRefreshMargin : lifetime / 2;
        _cached = (accessToken, time.GetUtcNow() + lifetime - margin);
        if (_refused is not null)
        {
            Log.Reauthorized(logger);
            _refused = null;
            Changed();
        }

        return accessToken;

        async ValueTask<string> Secret(string name, bool reread) =>
            await (reread ? secrets.RefreshAsync(name, cancellationToken) : secrets.GetAsync(name, cancellationToken)).ConfigureAwait(false)
            ?? throw new HubSpotAuthorizationException($"Secret '{name}' is not set; HubSpot OAuth needs it.");
    }

    private void Changed() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

internal sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

[JsonSerializable(typeof(OAuthTokenResponse))]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
