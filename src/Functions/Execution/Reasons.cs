using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Execution;

/// <summary>
/// The catalogue of reasons, the only place a reason code is spelt. Permanent ones dead-letter the message with the
/// code; transient ones have it tried again (see <see cref="FailurePolicy"/>).
/// </summary>
public static class Reasons
{
    // The event itself
    public static readonly Reason MissingIdentity = Permanent(nameof(MissingIdentity));
    public static readonly Reason InvalidLogId = Permanent(nameof(InvalidLogId));
    public static readonly Reason UnsupportedLogType = Permanent(nameof(UnsupportedLogType));
    public static readonly Reason MalformedEvent = Permanent(nameof(MalformedEvent));
    public static readonly Reason UnreadableDate = Permanent(nameof(UnreadableDate));
    public static readonly Reason UnsupportedEnvelope = Permanent(nameof(UnsupportedEnvelope));
    public static readonly Reason MissingEventType = Permanent(nameof(MissingEventType));
    public static readonly Reason UnknownEventType = Permanent(nameof(UnknownEventType));
    public static readonly Reason MissingEventId = Permanent(nameof(MissingEventId));
    public static readonly Reason InvalidEventId = Permanent(nameof(InvalidEventId));

    // The contact
    public static readonly Reason NoEmail = Permanent(nameof(NoEmail));
    public static readonly Reason InvalidEmail = Permanent(nameof(InvalidEmail));
    public static readonly Reason NoContactKey = Permanent(nameof(NoContactKey));
    public static readonly Reason ContactWithoutEmail = Permanent(nameof(ContactWithoutEmail));
    public static readonly Reason ContactNotFound = Permanent(nameof(ContactNotFound));
    public static readonly Reason ContactNotFoundYet = new(nameof(ContactNotFound), OutcomeKind.Transient);

    // Task signups
    public static readonly Reason MissingTaskSignupId = Permanent(nameof(MissingTaskSignupId));
    public static readonly Reason TaskSignupMisconfigured = Permanent(nameof(TaskSignupMisconfigured));

    // Transactional emails
    public static readonly Reason MissingTemplateName = Permanent(nameof(MissingTemplateName));
    public static readonly Reason UnknownTemplate = Permanent(nameof(UnknownTemplate));
    public static readonly Reason TemplateMisconfigured = Permanent(nameof(TemplateMisconfigured));
    public static readonly Reason MissingRecipient = Permanent(nameof(MissingRecipient));
    public static readonly Reason RecipientUnresolvable = Permanent(nameof(RecipientUnresolvable));
    public static readonly Reason RecipientUnknown = Permanent(nameof(RecipientUnknown));
    public static readonly Reason RecipientWithoutEmail = Permanent(nameof(RecipientWithoutEmail));
    public static readonly Reason InvalidRecipientEmail = Permanent(nameof(InvalidRecipientEmail));
    public static readonly Reason MissingRequiredProperty = Permanent(nameof(MissingRequiredProperty));
    public static readonly Reason UndeclaredProperty = Permanent(nameof(UndeclaredProperty));
    public static readonly Reason EmailNotSent = Permanent(nameof(EmailNotSent));
    public static readonly Reason EmailThrottled = Transient(nameof(EmailThrottled));

    // The systems behind
    public static readonly Reason HubSpotRejected = Permanent(nameof(HubSpotRejected));
    public static readonly Reason HubSpotUnavailable = Transient(nameof(HubSpotUnavailable));

    /// <summary>The change was written, but the later date claimed meanwhile could not be put back on top: the next attempt writes it.</summary>
    public static readonly Reason LaterDateNotRestored = Transient(nameof(LaterDateNotRestored));
    public static readonly Reason Auth0Unavailable = Transient(nameof(Auth0Unavailable));
    public static readonly Reason StorageRefused = Permanent(nameof(StorageRefused));
    public static readonly Reason StorageUnavailable = Transient(nameof(StorageUnavailable));

    private static Reason Permanent(string code) => new(code, OutcomeKind.Permanent);

    private static Reason Transient(string code) => new(code, OutcomeKind.Transient);
}
