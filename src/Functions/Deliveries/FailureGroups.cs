using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Deliveries;

/// <summary>Failures grouped by reason code, most frequent first, each with one example to look up.</summary>
internal static class FailureGroups
{
    public static FailuresDocument Of(IEnumerable<NotificationRecord> records, DateTimeOffset since, DateTimeOffset until)
    {
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        var total = 0;
        foreach (var record in records)
        {
            if (record.Status is not (NotificationStatus.Rejected or NotificationStatus.Failed))
            {
                continue;
            }

            total++;
            var code = LedgerReasons.CodeOf(record.LastError);
            if (!groups.TryGetValue(code, out var group))
            {
                groups[code] = group = new Group(record);
            }

            group.Count(record);
        }

        var reasons = groups
            .Select(pair => pair.Value.ToFailure(pair.Key))
            .OrderByDescending(failure => failure.Count)
            .ThenBy(failure => failure.Reason, StringComparer.Ordinal)
            .ToList();
        return new FailuresDocument(since, until, total, reasons);
    }

    private sealed class Group(NotificationRecord example)
    {
        private int _rejected;
        private int _failed;

        public void Count(NotificationRecord record)
        {
            if (record.Status == NotificationStatus.Rejected)
            {
                _rejected++;
            }
            else
            {
                _failed++;
            }
        }

        public Failure ToFailure(string reason) => new(
            reason, _rejected + _failed, _rejected, _failed, example.SourceId, EventSources.SourceOf(example.Channel), example.Channel, example.LastError);
    }
}

/// <summary>Failures in a window: every rejected (dead-lettered) and failed (to be tried again) event, by reason.</summary>
internal sealed record FailuresDocument(DateTimeOffset Since, DateTimeOffset Until, int Total, IReadOnlyList<Failure> Reasons);

/// <param name="Rejected">Dead-lettered: will not be tried again unless replayed.</param>
/// <param name="Failed">Failed for now: will be tried again.</param>
internal sealed record Failure(string Reason, int Count, int Rejected, int Failed, string ExampleId, string ExampleSource, string ExampleChannel, string? ExampleError);
