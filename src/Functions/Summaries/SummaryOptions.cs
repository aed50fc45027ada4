using System.ComponentModel.DataAnnotations;
using Crm.Integration.Functions.Retention;
using Microsoft.Extensions.Options;
using NCrontab;

namespace Crm.Integration.Functions.Summaries;

/// <summary>When the daily summary is computed. Bound from the <c>Summary</c> section.</summary>
public sealed class SummaryOptions
{
    public const string SectionName = "Summary";

    /// <summary>NCRONTAB (six fields, seconds first, UTC) as a Functions timer takes it: 00:10 daily, computing the day before.</summary>
    [Required]
    public string Schedule { get; set; } = "0 10 0 * * *";

    /// <summary>How long a scheduled run holds the job's lease; the occurrence it claims stays claimed after.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    public CrontabSchedule ParsedSchedule() => CrontabSchedule.Parse(Schedule, RetentionOptions.Ncrontab);
}

[OptionsValidator]
internal sealed partial class SummaryOptionsAnnotations : IValidateOptions<SummaryOptions>;

/// <summary>The annotations, and a schedule NCRONTAB can read.</summary>
internal sealed class SummaryOptionsValidator : IValidateOptions<SummaryOptions>
{
    private readonly SummaryOptionsAnnotations _annotations = new();

    public ValidateOptionsResult Validate(string? name, SummaryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = _annotations.Validate(name, options);
        if (result.Failed)
        {
            return result;
        }

        return CrontabSchedule.TryParse(options.Schedule, RetentionOptions.Ncrontab) is null
            ? ValidateOptionsResult.Fail(
                $"{SummaryOptions.SectionName}:Schedule '{options.Schedule}' is not an NCRONTAB expression of six fields (second minute hour day month weekday), e.g. '0 10 0 * * *'.")
            : ValidateOptionsResult.Success;
    }
}
