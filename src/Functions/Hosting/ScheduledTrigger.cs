using NCrontab;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// A timer trigger, as Azure Functions' are: waits on the <see cref="TimeProvider"/> for each occurrence of an NCRONTAB
/// schedule (UTC) and runs the job for it. Whether this replica runs it is the job's affair (a lease); a failed run is
/// logged in the job's own words and the next occurrence comes as usual.
/// </summary>
internal abstract class ScheduledTrigger(CrontabSchedule schedule, TimeProvider time) : BackgroundService
{
    protected abstract Task RunAsync(DateTimeOffset occurrence, CancellationToken stoppingToken);

    protected abstract void Scheduled(DateTimeOffset occurrence);

    protected abstract void Failed(DateTimeOffset occurrence, Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(DateTime.SpecifyKind(schedule.GetNextOccurrence(now.UtcDateTime), DateTimeKind.Utc));
            try
            {
                // The timer is set before the occurrence is logged: whoever reads the line (a test on a fake clock) may move time.
                var due = Task.Delay(next - now, time, stoppingToken);
                Scheduled(next);
                await due.ConfigureAwait(false);
                await RunAsync(next, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Failed(next, ex);
            }
        }
    }
}
