namespace Crm.Integration.Functions.TaskSignups;

/// <summary>How a task signup is recorded in HubSpot.</summary>
public enum TaskSignupMode
{
    /// <summary>Contact properties (last task signup date, task name, project name) through the batched upsert: every portal.</summary>
    ContactProperties,

    /// <summary>A custom event occurrence on the contact: Enterprise portals.</summary>
    CustomEvent,
}

/// <summary>
/// Admins choose in the <c>Lookups</c> table, partition <see cref="LookupPartition"/>: row <c>Mode</c>
/// (<c>ContactProperties</c> or <c>CustomEvent</c>), row <c>EventName</c> (the custom event's fully qualified name,
/// <c>pe{HubID}_{name}</c>), and rows naming the contact properties written in the first mode.
/// </summary>
public sealed record TaskSignupSettings(
    TaskSignupMode? Mode = TaskSignupMode.ContactProperties,
    string? EventName = null,
    string LastTaskSignupDate = "last_task_signup_date",
    string LastTaskName = "last_task_name",
    string LastTaskProjectName = "last_task_project_name",
    string? ModeAsWritten = null)
{
    public const string LookupPartition = "TaskSignup";

    public static TaskSignupSettings Defaults { get; } = new();

    /// <summary>Why task signups cannot be recorded with these settings, or null when they can.</summary>
    public string? Problem => Mode switch
    {
        null => $"Lookups {LookupPartition}/Mode is '{ModeAsWritten}'; it must be {nameof(TaskSignupMode.ContactProperties)} or {nameof(TaskSignupMode.CustomEvent)}.",
        TaskSignupMode.CustomEvent when string.IsNullOrWhiteSpace(EventName) =>
            $"Lookups {LookupPartition}/Mode is {nameof(TaskSignupMode.CustomEvent)} but {LookupPartition}/EventName (the event's fully qualified name) is not set.",
        _ => null,
    };

    public static TaskSignupSettings From(IReadOnlyDictionary<string, string> lookups)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        string Pick(string key, string fallback) => lookups.GetValueOrDefault(key) is { Length: > 0 } value ? value.Trim() : fallback;
        var mode = lookups.GetValueOrDefault(nameof(Mode))?.Trim();
        return new TaskSignupSettings(
            string.IsNullOrEmpty(mode) ? TaskSignupMode.ContactProperties
                : Enum.TryParse<TaskSignupMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null,
            lookups.GetValueOrDefault(nameof(EventName))?.Trim(),
            Pick(nameof(LastTaskSignupDate), Defaults.LastTaskSignupDate),
            Pick(nameof(LastTaskName), Defaults.LastTaskName),
            Pick(nameof(LastTaskProjectName), Defaults.LastTaskProjectName),
            mode);
    }
}
