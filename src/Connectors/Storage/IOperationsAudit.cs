namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// One audited operation: who did what, when, to what. <see cref="Subject"/> names what it was done to without
/// personal data (an erasure names the person by fingerprint, never by address); <see cref="Details"/> is JSON.
/// </summary>
public sealed record OperationAudit(string Action, string By, DateTimeOffset At, string Subject, string Details);

public static class OperationActions
{
    public const string Erasure = "erasure";
    public const string RetentionRun = "retention-run";
    public const string DeadLetterReplay = "dead-letter-replay";

    /// <summary>Every audited action, as <c>GET /api/admin/operations/audit/{action}</c> accepts them.</summary>
    public static IReadOnlyList<string> All { get; } = [Erasure, RetentionRun, DeadLetterReplay];
}

/// <summary>The audit trail of operations (erasures, retention runs, dead-letter replays), newest first, kept in the <c>Operations</c> table.</summary>
public interface IOperationsAudit
{
    Task RecordAsync(OperationAudit entry, CancellationToken cancellationToken);

    /// <summary>The latest <paramref name="max"/> entries of one action, newest first.</summary>
    Task<IReadOnlyList<OperationAudit>> RecentAsync(string action, int max, CancellationToken cancellationToken);
}
