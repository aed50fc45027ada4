using System.Net;
using System.Net.Http.Headers;

namespace Crm.Integration.Connectors.Http;

/// <summary>Where a client's bearer tokens come from; a fresh one can be asked for after the peer refused the last.</summary>
public interface IBearerTokenSource
{
    /// <summary>The token to send; with <paramref name="afterRejection"/>, the peer refused the last one: get a new one.</summary>
    ValueTask<string> GetTokenAsync(bool afterRejection, CancellationToken cancellationToken);
}

/// <summary>
/// The one rule for bearer tokens on every outbound client: send the token; on 401, ask the source for a fresh token
/// once and send again (a token revoked or rotated before its expiry), then answer whatever the peer says.
/// Sits inside the resilience pipeline, so that each attempt carries the token current at its time.
/// </summary>
internal class BearerTokenHandler(IBearerTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(false, cancellationToken).ConfigureAwait(false));
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(true, cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
