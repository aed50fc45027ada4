using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// Bounds one attempt on the wire. It sits inside the rate-limit handler on purpose: waiting for the portal's budget
/// is not HubSpot being slow, and a timeout around that wait would fail calls under a backlog before they were sent.
/// </summary>
internal sealed class HubSpotAttemptTimeoutHandler(IOptions<HubSpotOptions> options) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var timeout = options.Value.AttemptTimeout;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(timeout);
        try
        {
            return await base.SendAsync(request, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"HubSpot did not answer within {timeout.TotalSeconds:F0} s.", ex);
        }
    }
}
