using System.Net;
using System.Net.Http.Json;
using Crm.Integration.Connectors.Http;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// The bearer rule of every client (<see cref="BearerTokenHandler"/>) with HubSpot's token source. When no token can
/// be had until the app is re-authorised, answers 401 itself without calling HubSpot, so that callers see "not now".
/// </summary>
internal sealed class HubSpotAuthHandler(IHubSpotTokenSource tokens) : BearerTokenHandler(tokens)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
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
