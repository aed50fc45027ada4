namespace Crm.Integration.Connectors.Storage;

/// <summary>A template and the version of its row, which a later write must name (optimistic concurrency).</summary>
public sealed record VersionedTemplate(EmailTemplate Template, string Version);

public sealed record TemplatePage(IReadOnlyList<VersionedTemplate> Items, string? ContinuationToken);

/// <summary>What a change did: <see cref="Created"/>, <see cref="Replaced"/> or <see cref="Deleted"/>.</summary>
public static class TemplateChangeActions
{
    public const string Created = "created";
    public const string Replaced = "replaced";
    public const string Deleted = "deleted";
}

/// <summary>One entry of a template's audit trail: who changed it, when, and the mapping before and after.</summary>
public sealed record TemplateChange(string Action, string ChangedBy, DateTimeOffset ChangedAt, EmailTemplate? Before, EmailTemplate? After);

public sealed record TemplateHistoryPage(IReadOnlyList<TemplateChange> Items, string? ContinuationToken);

public enum TemplateWriteStatus
{
    Saved,

    /// <summary>Create: a template of that name exists.</summary>
    AlreadyExists,

    /// <summary>Replace or delete: no template of that name (any more).</summary>
    NotFound,

    /// <summary>Replace or delete: the row changed since the version given was read.</summary>
    Stale,
}

/// <summary>The outcome of a write; <see cref="Version"/> is the new row version when saved.</summary>
public sealed record TemplateWriteResult(TemplateWriteStatus Status, string? Version = null);

/// <summary>
/// What admins do to the <c>EmailTemplates</c> table. Every write is conditional on the version the admin read and
/// appends its audit entry in the same transaction, so that no change goes unrecorded and no entry records a change
/// that did not happen. Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface IEmailTemplateAdmin
{
    /// <summary>Templates in name order; <paramref name="continuationToken"/> from the previous page, or null for the first.</summary>
    Task<TemplatePage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken);

    Task<VersionedTemplate?> FindAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates the template; <see cref="EmailTemplate.ChangedBy"/> and <see cref="EmailTemplate.ChangedAt"/> say who and when.</summary>
    Task<TemplateWriteResult> CreateAsync(EmailTemplate template, CancellationToken cancellationToken);

    /// <summary>Replaces the template if its row is still at <paramref name="expectedVersion"/> ("*": any version).</summary>
    Task<TemplateWriteResult> ReplaceAsync(EmailTemplate template, string expectedVersion, CancellationToken cancellationToken);

    /// <summary>Deletes the template if its row is still at <paramref name="expectedVersion"/>; its history stays.</summary>
    Task<TemplateWriteResult> DeleteAsync(string name, string expectedVersion, string changedBy, DateTimeOffset changedAt, CancellationToken cancellationToken);

    /// <summary>The template's changes, newest first, deleted templates included.</summary>
    Task<TemplateHistoryPage> HistoryAsync(string name, int pageSize, string? continuationToken, CancellationToken cancellationToken);
}

/// <summary>A continuation token that storage did not issue (or no longer accepts).</summary>
public sealed class InvalidContinuationTokenException : Exception
{
    public InvalidContinuationTokenException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public InvalidContinuationTokenException()
    {
    }

    public InvalidContinuationTokenException(string message)
        : base(message)
    {
    }
}
