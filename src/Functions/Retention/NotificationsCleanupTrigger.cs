using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Retention;

/// <summary>
/// The timer trigger: waits for each occurrence of <see cref="RetentionOptions.Schedule"/> (NCRONTAB, UTC) on the
/// <see cref="TimeProvider"/> and runs the cleanup if no other replica claimed that occurrence. A failed run is logged
/// and the next occurrence comes as usual (deleting is idempotent; tomorrow's run takes what today's left).
/// </summary>
internal sealed class NotificationsCleanupTrigger(NotificationsCleanup cleanup, IOptions<RetentionOptions> options, TimeProvider time, ILogger<NotificationsCleanupTrigger> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.ParsedSchedule();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(DateTime.SpecifyKind(schedule.GetNextOccurrence(now.UtcDateTime), DateTimeKind.Utc));
            Log.CleanupScheduled(logger, next);
            try
            {
                await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
                await cleanup.TryRunAsync(dryRun: false, next, "schedule", stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.CleanupFailed(logger, ex);
            }
        }
    }
}
