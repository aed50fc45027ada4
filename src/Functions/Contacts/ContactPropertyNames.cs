namespace Crm.Integration.Functions.Contacts;

/// <summary>
/// The HubSpot property each fact is written to. Admins change them in the <c>Lookups</c> table, partition
/// <see cref="LookupPartition"/>, row key = the field name here (e.g. <c>LastLoginDate</c>), column <c>Value</c>.
/// </summary>
public sealed record ContactPropertyNames(
    string FirstName = "firstname",
    string LastName = "lastname",
    string Auth0UserId = "auth0_user_id",
    string RegistrationDate = "registration_date",
    string LastLoginDate = "last_login_date")
{
    public const string LookupPartition = "HubSpotContactProperties";

    public static ContactPropertyNames Defaults { get; } = new();

    public static ContactPropertyNames From(IReadOnlyDictionary<string, string> lookups)
    {
        ArgumentNullException.ThrowIfNull(lookups);
        string Pick(string key, string fallback) => lookups.GetValueOrDefault(key) is { Length: > 0 } value ? value.Trim() : fallback;
        return new ContactPropertyNames(
            Pick(nameof(FirstName), Defaults.FirstName),
            Pick(nameof(LastName), Defaults.LastName),
            Pick(nameof(Auth0UserId), Defaults.Auth0UserId),
            Pick(nameof(RegistrationDate), Defaults.RegistrationDate),
            Pick(nameof(LastLoginDate), Defaults.LastLoginDate));
    }
}
