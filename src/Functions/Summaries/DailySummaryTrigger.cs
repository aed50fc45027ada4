using Crm.Integration.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Summaries;

/// <summary>
/// The <c>DailySummary</c> timer trigger: at each occurrence of <see cref="SummaryOptions.Schedule"/> computes the
/// previous UTC day, if no other replica claimed that occurrence. After a failed run the day can be computed again on
/// demand (<c>POST /api/admin/summaries/{date}/run</c>).
/// </summary>
internal sealed class DailySummaryTrigger(DailySummaryJob job, IOptions<SummaryOptions> options, TimeProvider time, ILogger<DailySummaryTrigger> logger)
    : ScheduledTrigger(options.Value.ParsedSchedule(), time)
{
    protected override Task RunAsync(DateTimeOffset occurrence, CancellationToken stoppingToken) => job.TryRunScheduledAsync(occurrence, stoppingToken);

    protected override void Scheduled(DateTimeOffset occurrence) => Log.SummaryScheduled(logger, occurrence);

    protected override void Failed(DateTimeOffset occurrence, Exception exception) => Log.SummaryFailed(logger, occurrence, exception);
}
