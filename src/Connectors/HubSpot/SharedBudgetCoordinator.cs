using Crm.Integration.Connectors.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// Keeps this replica's limiter at its share of the portal's budget: a heartbeat every few seconds, the share worked
/// out from every replica's heartbeat (<see cref="BudgetShare"/>), and a DAILY 429 seen anywhere stopping everyone. No
/// storage request per HubSpot call. Registered before the queue triggers, so that no call goes out before the first share.
/// </summary>
internal sealed class SharedBudgetCoordinator(
    HubSpotRateLimiter limiter,
    IReplicaRegister register,
    SharedBudgetStatus status,
    IOptions<SharedBudgetOptions> options,
    TimeProvider time,
    ILogger<SharedBudgetCoordinator> logger) : BackgroundService
{
    private readonly SharedBudgetOptions _options = options.Value;

    /// <summary>This process among the replicas: unique even for two processes of one container.</summary>
    public string ReplicaId { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// Nothing is spent before the first share: set here, before the host starts the triggers, because .NET 10 runs
    /// all of <see cref="ExecuteAsync"/> on the thread pool — set there, a trigger started meanwhile could spend the
    /// whole limit beside the other replicas.
    /// </summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        limiter.SetShare(0, DateTimeOffset.MaxValue);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var share = -1;
        DateTimeOffset? firstSeen = null, lastBeat = null;
        using var timer = new PeriodicTimer(_options.HeartbeatInterval, time);
        do
        {
            var now = time.GetUtcNow();
            var today = DateOnly.FromDateTime(now.UtcDateTime);
            try
            {
                if (firstSeen is null || BudgetShare.MustRejoin(lastBeat, now, _options.ReplicaTtl, _options.HeartbeatInterval))
                {
                    firstSeen = now; // others may have counted this replica gone: it waits to settle like a newcomer
                }

                var beats = await register.BeatAsync(ReplicaId, firstSeen.Value, limiter.DailyBudgetSpent ? today : null, stoppingToken).ConfigureAwait(false);
                lastBeat = now;
                if (BudgetShare.DailySpent(beats, today) && !limiter.DailyBudgetSpent)
                {
                    limiter.Throttled("DAILY", null);
                    Log.SharedDailyLimit(logger);
                }

                var next = BudgetShare.For(ReplicaId, beats, limiter.PortalLimit, time.GetUtcNow(), _options.ReplicaTtl, _options.Settle);
                // Good until the others may count this replica gone, less HubSpot's window for its last calls to leave it:
                // a beat that is late (storage slow) pauses calls instead of overspending.
                limiter.SetShare(next, now + _options.ShareValidFor);
                status.LiveReplicas = beats.Count(b => now - b.LastSeen < _options.ReplicaTtl);
                if (next != share)
                {
                    Log.ShareChanged(logger, next, limiter.PortalLimit, status.LiveReplicas);
                    share = next;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Whatever the heartbeat met, the loop goes on: a background service that throws stops the whole host.
                // Unseen for a TTL, the others take this replica's share: stop spending before that happens.
                // (The share's validity runs out on its own: see SetShare.)
                Log.HeartbeatFailed(logger, ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
