using System.Text.RegularExpressions;

namespace Crm.Integration.Connectors.Storage;

/// <summary>A property a template declares: events may carry only declared properties, and must carry the required ones.</summary>
public sealed record TemplateProperty(string Name, bool Required);

/// <summary>
/// One row of the <c>EmailTemplates</c> table: how a platform template name maps to a HubSpot transactional email,
/// who it is sent from, and which properties an event may or must carry.
/// </summary>
public sealed partial record EmailTemplate(
    string Name,
    long HubSpotEmailId,
    string? From,
    IReadOnlyList<string> ReplyTo,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    IReadOnlyList<TemplateProperty> ContactProperties,
    IReadOnlyList<TemplateProperty> CustomProperties,
    string? Description = null,
    string? ChangedBy = null,
    DateTimeOffset? ChangedAt = null)
{
    /// <summary>Letters, digits, '_', '.', '-'; starting with a letter or digit; at most 128 characters.</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex NamePattern();
}

/// <summary>
/// The <c>EmailTemplates</c> table as the email handler reads it (admins write it through <see cref="IEmailTemplateAdmin"/>).
/// Throws <see cref="StorageUnavailableException"/> when storage cannot be reached.
/// </summary>
public interface IEmailTemplates
{
    /// <summary>
    /// The template, or null when no row has that name. Throws <see cref="EmailTemplateInvalidException"/> when the row
    /// exists but cannot be read as a template (a hand edit gone wrong).
    /// </summary>
    Task<EmailTemplate?> GetAsync(string name, CancellationToken cancellationToken);
}

/// <summary>A template row exists but is not a usable mapping; the message names the column.</summary>
public sealed class EmailTemplateInvalidException : Exception
{
    public EmailTemplateInvalidException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public EmailTemplateInvalidException()
    {
    }

    public EmailTemplateInvalidException(string message)
        : base(message)
    {
    }
}
