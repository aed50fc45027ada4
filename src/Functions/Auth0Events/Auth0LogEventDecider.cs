using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.Execution;

namespace Crm.Integration.Functions.Auth0Events;

/// <summary>
/// What one Auth0 event should do to HubSpot: a signup upserts the contact (email, names, Auth0 user id, registration
/// date), a login sets its last-login date, latest wins. The log's own facts come first — email from
/// <c>details.body.email</c>, else <c>user_name</c> when it is an email; names from the signup body — and the Auth0
/// profile only when they are not enough.
/// </summary>
internal static class Auth0LogEventDecider
{
    public static async Task<Plan> DecideAsync(Auth0LogData data, IEventFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(facts);
        var profile = NeedsProfile(data) && facts.CanReadUsers && data.UserId is { Length: > 0 } userId
            ? await facts.UserAsync(userId, cancellationToken).ConfigureAwait(false)
            : null;
        var names = await facts.ContactPropertiesAsync(cancellationToken).ConfigureAwait(false);
        var email = LoggedEmail(data) ?? (EmailAddress.TryNormalize(profile?.Email, out var fromProfile) ? fromProfile : null);
        if (email is null)
        {
            var user = Quote.Short(data.UserId ?? "(no user_id)");
            return LoggedEmailCandidate(data) is { } field
                ? new Reject(Reasons.InvalidEmail.Because($"The log's {field} of user {user} is not an email address HubSpot takes (e.g. no dot in the domain), and the Auth0 profile has no valid one."))
                : new Reject(Reasons.NoEmail.Because($"Neither the log nor the Auth0 profile of user {user} has an email address."));
        }

        if (!Auth0Dates.TryParse(data.Date, out var date))
        {
            return new Reject(Reasons.UnreadableDate.Because($"The log's date '{Quote.Short(data.Date)}' is not a date."));
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (data.UserId is { Length: > 0 } auth0UserId)
        {
            properties[names.Auth0UserId] = auth0UserId;
        }

        if (data.Type == Auth0EventTypes.SuccessfulLogin)
        {
            properties[names.LastLoginDate] = HubSpotValues.DateTime(date);
            var change = new ContactChange(email, properties, new HashSet<string>(StringComparer.Ordinal) { names.LastLoginDate });
            return new UpsertContact(change, new DateGuard(ContactDate.LastLogin, date.ToUnixTimeMilliseconds(), PutBackLater: true));
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
        return new UpsertContact(new ContactChange(email, properties, new HashSet<string>(StringComparer.Ordinal)));
    }

    /// <summary>Whether the Auth0 profile must be read: no email in the log, or a signup without both names.</summary>
    private static bool NeedsProfile(Auth0LogData data) =>
        LoggedEmail(data) is null
        || (data.Type == Auth0EventTypes.SuccessfulSignup && (data.Details?.Body?.GivenName is null || data.Details?.Body?.FamilyName is null));

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
}
