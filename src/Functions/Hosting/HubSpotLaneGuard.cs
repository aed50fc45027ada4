using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.ServiceBus;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// Stops the queue triggers while HubSpot will not issue tokens (a refused OAuth refresh token) and starts them again
/// once it does. Every queued event needs HubSpot: one received meanwhile could only be abandoned, again and again,
/// until its delivery count sent it to the dead-letter queue. The webhook goes on: Auth0's events wait on the queue.
/// It polls nothing: it waits for the token source to say the problem appeared or cleared, and while the lane is
/// stopped asks for a token once every <see cref="HubSpotOptions.ReauthorizationRetryInterval"/> (the token source
/// would not ask HubSpot sooner; each try reads the refresh token again, so a new one stored is found then).
/// </summary>
internal sealed class HubSpotLaneGuard(
    IHubSpotTokenSource tokens, ReceiveGate gate, IOptions<HubSpotOptions> options, TimeProvider time, ILogger<HubSpotLaneGuard> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = tokens.AuthorizationChanged;
            if (tokens.AuthorizationProblem is { } problem)
            {
                if (gate.IsOpen)
                {
                    gate.Close($"HubSpot lane stopped: {problem}");
                    Log.HubSpotLaneStopped(logger, problem);
                }

                var retry = Task.Delay(options.Value.ReauthorizationRetryInterval, time, stoppingToken);
                if (await Task.WhenAny(changed, retry).ConfigureAwait(false) == retry && !retry.IsCanceled)
                {
                    await TryAuthorizeAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            else
            {
                if (!gate.IsOpen)
                {
                    gate.Open();
                    Log.HubSpotLaneResumed(logger);
                }

                await changed.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

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
