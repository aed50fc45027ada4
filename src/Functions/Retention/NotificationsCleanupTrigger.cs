using Crm.Integration.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Retention;

/// <summary>
/// The <c>NotificationsCleanup</c> timer trigger: at each occurrence of <see cref="RetentionOptions.Schedule"/> runs the
/// cleanup if no other replica claimed that occurrence. Deleting is idempotent: after a failed run, tomorrow's takes
/// what today's left.
/// </summary>
internal sealed class NotificationsCleanupTrigger(NotificationsCleanup cleanup, IOptions<RetentionOptions> options, TimeProvider time, ILogger<NotificationsCleanupTrigger> logger)
    : ScheduledTrigger(options.Value.ParsedSchedule(), time)
{
    protected override Task RunAsync(DateTimeOffset occurrence, CancellationToken stoppingToken) =>
        cleanup.TryRunAsync(dryRun: false, occurrence, "schedule", stoppingToken);

    protected override void Scheduled(DateTimeOffset occurrence) => Log.CleanupScheduled(logger, occurrence);

    protected override void Failed(DateTimeOffset occurrence, Exception exception) => Log.CleanupFailed(logger, exception);
}
