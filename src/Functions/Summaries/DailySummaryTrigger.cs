using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Summaries;

/// <summary>
/// The <c>DailySummary</c> timer trigger: waits for each occurrence of <see cref="SummaryOptions.Schedule"/> (NCRONTAB,
/// UTC) on the <see cref="TimeProvider"/> and computes the previous UTC day, if no other replica claimed that
/// occurrence. A failed run is logged; the day can be computed again on demand (<c>POST /api/admin/summaries/{date}/run</c>).
/// </summary>
internal sealed class DailySummaryTrigger(DailySummaryJob job, IOptions<SummaryOptions> options, TimeProvider time, ILogger<DailySummaryTrigger> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var schedule = options.Value.ParsedSchedule();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(DateTime.SpecifyKind(schedule.GetNextOccurrence(now.UtcDateTime), DateTimeKind.Utc));
            Log.SummaryScheduled(logger, next);
            try
            {
                await Task.Delay(next - now, time, stoppingToken).ConfigureAwait(false);
                await job.TryRunScheduledAsync(next, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Log.SummaryFailed(logger, next, ex);
            }
        }
    }
}
