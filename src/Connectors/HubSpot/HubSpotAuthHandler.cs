using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// Adds the bearer token; on 401 asks the token source for a fresh token once and sends again. When no token can be
/// had until the app is re-authorised, answers 401 itself without calling HubSpot, so that callers see "not now".
/// </summary>
internal sealed class HubSpotAuthHandler(IHubSpotTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
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
        catch (HubSpotAuthorizationException ex)
        {
            return new HttpResponseMessage(HttpStatusCode.Unauthorized)
            {
                RequestMessage = request,
                Content = JsonContent.Create(
                    new ErrorBody("error", ex.Message, null, "REAUTHORIZATION_REQUIRED", null), HubSpotJsonContext.Default.ErrorBody),
            };
        }
    }
}
