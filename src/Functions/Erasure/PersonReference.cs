using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Erasure;

/// <summary>
/// What <c>DELETE /api/admin/people/{id}</c> names: an Auth0 user id (<c>provider|id</c>, which may itself hold an
/// '@', as SAML ids do) or an email address.
/// </summary>
internal static class PersonReference
{
    public const string Email = "email";
    public const string Auth0UserId = "auth0_user_id";

    public static (PersonIds? Person, string Kind) Parse(string id)
    {
        var trimmed = id?.Trim() ?? "";
        if (trimmed.Contains('|', StringComparison.Ordinal) && trimmed.Length <= 1024)
        {
            return (new PersonIds(null, trimmed), Auth0UserId);
        }

        return EmailAddress.TryNormalize(trimmed, out var email) ? (new PersonIds(email, null), Email) : (null, "");
    }
}
