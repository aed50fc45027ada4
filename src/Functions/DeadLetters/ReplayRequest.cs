using System.Globalization;
using System.Text.Json;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.DeadLetters;

/// <summary>
/// What an operator asks to replay: <c>{"queue", "reasons", "ids", "before", "dryRun"}</c>, every field optional. A
/// dead letter matches when it is in the queue (any queue when absent), its reason is one of <see cref="Reasons"/>,
/// its message id one of <see cref="Ids"/>, and it was enqueued before <see cref="Before"/> — each only when given.
/// <see cref="DryRun"/> defaults to true, as the retention run does: replaying must be asked for.
/// </summary>
internal sealed record ReplayRequest(string? Queue, IReadOnlyList<string>? Reasons, IReadOnlyList<string>? Ids, DateTimeOffset? Before, bool DryRun)
{
    public const int MaxListLength = 1000;

    private static readonly string[] Fields = ["queue", "reasons", "ids", "before", "dryRun"];

    /// <summary>The queues the request names: the one given, or every queue.</summary>
    public IReadOnlyList<string> Queues => Queue is null ? DeadLetterQueues.All : [Queue];

    public bool Matches(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        return (Reasons is null || (letter.Reason is { } reason && Reasons.Contains(reason, StringComparer.Ordinal)))
            && (Ids is null || (letter.MessageId is { } id && Ids.Contains(id, StringComparer.Ordinal)))
            && (Before is null || (letter.EnqueuedTime is { } enqueued && enqueued < Before));
    }

    /// <summary>The request, or null with a problem that names the field and what it must be.</summary>
    public static ReplayRequest? Read(JsonElement body, out string? problem)
    {
        problem = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            problem = "The body must be a JSON object: {\"queue\", \"reasons\", \"ids\", \"before\", \"dryRun\"}, every field optional.";
            return null;
        }

        foreach (var field in body.EnumerateObject())
        {
            if (!Fields.Contains(field.Name, StringComparer.Ordinal))
            {
                problem = $"'{Quote.Short(field.Name)}' is not a replay field (known: {string.Join(", ", Fields)}).";
                return null;
            }
        }

        string? queue = null;
        if (Field(body, "queue") is { } queueValue)
        {
            if (queueValue.ValueKind != JsonValueKind.String || !DeadLetterQueues.IsKnown(queueValue.GetString()))
            {
                problem = $"'queue' must be one of {string.Join(", ", DeadLetterQueues.All)} (or absent for every queue).";
                return null;
            }

            queue = queueValue.GetString();
        }

        var reasons = ReadList(body, "reasons", ref problem);
        var ids = problem is null ? ReadList(body, "ids", ref problem) : null;
        if (problem is not null)
        {
            return null;
        }

        DateTimeOffset? before = null;
        if (Field(body, "before") is { } beforeValue)
        {
            if (beforeValue.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(beforeValue.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                || !HasOffset(beforeValue.GetString()!))
            {
                problem = "'before' must be a date and time with its offset (RFC 3339), e.g. \"2026-12-02T10:00:00Z\".";
                return null;
            }

            before = parsed;
        }

        var dryRun = true;
        if (Field(body, "dryRun") is { } dryRunValue)
        {
            if (dryRunValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                problem = "'dryRun' must be true or false (it is true when absent: replaying must be asked for).";
                return null;
            }

            dryRun = dryRunValue.GetBoolean();
        }

        return new ReplayRequest(queue, reasons, ids, before, dryRun);
    }

    private static JsonElement? Field(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static List<string>? ReadList(JsonElement body, string name, ref string? problem)
    {
        if (Field(body, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() is 0 or > MaxListLength
            || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(item.GetString())))
        {
            problem = $"'{name}' must be an array of 1 to {MaxListLength} non-empty strings (or absent for any).";
            return null;
        }

        return value.EnumerateArray().Select(item => item.GetString()!).ToList();
    }

    /// <summary>"2026-12-02T10:00:00" would be read in the server's zone: the offset must be written.</summary>
    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
}

/// <summary>The queues whose dead letters an operator may see and replay, in the order a listing walks them.</summary>
internal static class DeadLetterQueues
{
    public static IReadOnlyList<string> All { get; } = [QueueNames.Auth0LogEvents, QueueNames.PlatformEvents];

    public static bool IsKnown(string? queue) => queue is not null && All.Contains(queue, StringComparer.Ordinal);
}
