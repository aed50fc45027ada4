using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.ServiceBus;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// Stops the queue triggers while HubSpot will not issue tokens (a refused OAuth refresh token) and starts them again
/// once it does. Every queued event needs HubSpot: one received meanwhile could only be abandoned, again and again,
/// until its delivery count sent it to the dead-letter queue. The webhook goes on: Auth0's events wait on the queue.
/// </summary>
internal sealed class HubSpotLaneGuard(IHubSpotTokenSource tokens, ReceiveGate gate, TimeProvider time, ILogger<HubSpotLaneGuard> logger)
    : BackgroundService
{
    // Often: until the gate closes, every message received is tried and abandoned, spending one of its deliveries.
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            if (tokens.AuthorizationProblem is { } problem)
            {
                if (gate.IsOpen)
                {
                    gate.Close($"HubSpot lane stopped: {problem}");
                    Log.HubSpotLaneStopped(logger, problem);
                }

                await TryAuthorizeAsync(stoppingToken).ConfigureAwait(false);
            }
            else if (!gate.IsOpen)
            {
                gate.Open();
                Log.HubSpotLaneResumed(logger);
            }

            await Task.Delay(CheckEvery, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>The token source asks HubSpot again only when its retry interval passed or the secret holds a new refresh token.</summary>
    private async Task TryAuthorizeAsync(CancellationToken stoppingToken)
    {
        try
        {
            await tokens.GetTokenAsync(afterRejection: false, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HubSpotAuthorizationException or HttpRequestException or TimeoutException)
        {
            // Still refused or not reachable: the lane stays stopped, and the next round tries again.
        }
    }
}
