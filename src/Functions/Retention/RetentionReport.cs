namespace Crm.Integration.Functions.Retention;

/// <summary>One kind of row in a run: how many had expired, how many went, how many had changed since they were read.</summary>
internal sealed record RetentionKindReport(long Expired, long Deleted, long Kept);

/// <summary>
/// What a cleanup run found and did (<c>POST /api/admin/retention/run</c> answers it). A dry run counts what it
/// would delete and deletes nothing: <see cref="Deleted"/> is 0.
/// </summary>
internal sealed record RetentionReport(
    bool DryRun,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    DateTimeOffset ProcessedBefore,
    DateTimeOffset EmailsBefore,
    DateTimeOffset ContactDatesBefore,
    IReadOnlyDictionary<string, RetentionKindReport> Kinds,
    long Expired,
    long Deleted,
    double RowsPerSecond);
