using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using NCrontab;

namespace Crm.Integration.Functions.Retention;

/// <summary>How long the hub keeps what it records, and when it cleans up. Bound from the <c>Retention</c> section.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Ledger rows whose processing ended (delivered, rejected) longer ago are deleted; as the predecessor did, 7 days.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Processed { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Email rows are the send log: kept this long after their final result.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Emails { get; set; } = TimeSpan.FromDays(400);

    /// <summary>
    /// Contact-date rows (last login, last task signup per contact) not written for this long are deleted. They only
    /// stop an older event from moving a date back; no event older than the queues' message TTL (14 days) arrives.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan ContactDates { get; set; } = TimeSpan.FromDays(30);

    /// <summary>When the cleanup runs, in NCRONTAB (six fields, seconds first, UTC) as an Azure Functions timer takes it: daily at 03:00.</summary>
    [Required]
    public string Schedule { get; set; } = "0 0 3 * * *";

    /// <summary>
    /// At most this many rows deleted per second, so that the live path keeps its storage (see the README's measurement).
    /// </summary>
    [Range(1, 100_000)]
    public int RowsPerSecond { get; set; } = 200;

    /// <summary>
    /// At most this share of storage's time: after each call the cleanup waits (1 − share) / share times as long as the
    /// call took, so that on a storage slower than <see cref="RowsPerSecond"/> the live path still gets the rest.
    /// </summary>
    [Range(0.05, 1.0)]
    public double StorageShare { get; set; } = 0.5;

    /// <summary>Rows read per page of the scan (Table Storage answers at most 1,000).</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>How long a run's lease lasts without renewal; renewed while the run goes on, so a replica that dies frees it this soon.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Six fields, seconds first, as Functions reads NCRONTAB.</summary>
    internal static readonly CrontabSchedule.ParseOptions Ncrontab = new() { IncludingSeconds = true };

    public CrontabSchedule ParsedSchedule() => CrontabSchedule.Parse(Schedule, Ncrontab);
}

[OptionsValidator]
internal sealed partial class RetentionOptionsAnnotations : IValidateOptions<RetentionOptions>;

/// <summary>The annotations, and a schedule NCRONTAB can read.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    private readonly RetentionOptionsAnnotations _annotations = new();

    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = _annotations.Validate(name, options);
        if (result.Failed)
        {
            return result;
        }

        if (CrontabSchedule.TryParse(options.Schedule, RetentionOptions.Ncrontab) is null)
        {
            return ValidateOptionsResult.Fail(
                $"{RetentionOptions.SectionName}:Schedule '{options.Schedule}' is not an NCRONTAB expression of six fields (second minute hour day month weekday), e.g. '0 0 3 * * *'.");
        }

        return options.Emails < options.Processed
            ? ValidateOptionsResult.Fail($"{RetentionOptions.SectionName}:Emails must not be shorter than {RetentionOptions.SectionName}:Processed: email rows are the send log.")
            : ValidateOptionsResult.Success;
    }
}
