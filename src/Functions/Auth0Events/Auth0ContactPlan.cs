using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>What to do for one Auth0 event: write a contact change, or reject the event with a reason.</summary>
internal sealed record Auth0ContactPlan(ContactChange? Change, DateTimeOffset? LoginAt, HandlerOutcome? Rejection)
{
    /// <summary>
    /// The log's own facts: email from <c>details.body.email</c>, else <c>user_name</c> when it is an email; names from the
    /// signup body. Whether the Auth0 profile must be read: no email, or a signup without both names.
    /// </summary>
    public static bool NeedsProfile(Auth0LogData data) =>
        LoggedEmail(data) is null
        || (data.Type == Auth0EventTypes.SuccessfulSignup && (data.Details?.Body?.GivenName is null || data.Details?.Body?.FamilyName is null));

    /// <param name="profile">The Auth0 profile when it was read; null when not needed, not found, or Auth0 is not configured.</param>
    public static Auth0ContactPlan For(Auth0LogData data, Auth0User? profile, ContactPropertyNames names)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(names);
        var email = LoggedEmail(data) ?? (EmailAddress.TryNormalize(profile?.Email, out var fromProfile) ? fromProfile : null);
        if (email is null)
        {
            var user = Quote.Short(data.UserId ?? "(no user_id)");
            return LoggedEmailCandidate(data) is { } field
                ? Reject("InvalidEmail", $"The log's {field} of user {user} is not an email address HubSpot takes (e.g. no dot in the domain), and the Auth0 profile has no valid one.")
                : Reject("NoEmail", $"Neither the log nor the Auth0 profile of user {user} has an email address.");
        }

        if (!Auth0Dates.TryParse(data.Date, out var date))
        {
            return Reject("UnreadableDate", $"The log's date '{Quote.Short(data.Date)}' is not a date.");
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (data.UserId is { Length: > 0 } userId)
        {
            properties[names.Auth0UserId] = userId;
        }

        if (data.Type == Auth0EventTypes.SuccessfulLogin)
        {
            properties[names.LastLoginDate] = HubSpotValues.DateTime(date);
            return new Auth0ContactPlan(new ContactChange(email, properties, new HashSet<string>(StringComparer.Ordinal) { names.LastLoginDate }), date, null);
        }

        if (FirstNonEmpty(data.Details?.Body?.GivenName, profile?.GivenName) is { } firstName)
        {
            properties[names.FirstName] = firstName;
        }

        if (FirstNonEmpty(data.Details?.Body?.FamilyName, profile?.FamilyName) is { } lastName)
        {
            properties[names.LastName] = lastName;
        }

        properties[names.RegistrationDate] = HubSpotValues.Date(date);
        return new Auth0ContactPlan(new ContactChange(email, properties, new HashSet<string>(StringComparer.Ordinal)), null, null);
    }

    private static string? LoggedEmail(Auth0LogData data) =>
        EmailAddress.TryNormalize(data.Details?.Body?.Email, out var fromBody) ? fromBody
        : EmailAddress.TryNormalize(data.UserName, out var fromUserName) ? fromUserName
        : null;

    /// <summary>The field that carries something meant as an email (it has an @) that did not pass as one; never the value.</summary>
    private static string? LoggedEmailCandidate(Auth0LogData data) =>
        data.Details?.Body?.Email?.Contains('@', StringComparison.Ordinal) == true ? "details.body.email"
        : data.UserName?.Contains('@', StringComparison.Ordinal) == true ? "user_name"
        : null;

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static Auth0ContactPlan Reject(string reason, string description) => new(null, null, HandlerOutcome.Permanent(reason, description));
}
