namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Who an event is about, as far as the handler knows: the email and the Auth0 user id, either or both. The ledger
/// never stores them: it keeps keyed fingerprints (<see cref="PersonFingerprints"/>), so that an erasure can find
/// the person's rows without the ledger holding who they are.
/// </summary>
public sealed record PersonIds(string? Email, string? Auth0UserId)
{
    public static PersonIds? Of(string? email, string? auth0UserId) =>
        string.IsNullOrWhiteSpace(email) && string.IsNullOrWhiteSpace(auth0UserId) ? null : new PersonIds(email, auth0UserId);

    /// <summary>Emails compare trimmed and lower-cased (as HubSpot keys contacts); user ids trimmed, case kept (Auth0's are case-sensitive).</summary>
    public string? NormalizedEmail => string.IsNullOrWhiteSpace(Email) ? null : Email.Trim().ToLowerInvariant();

    public string? NormalizedAuth0UserId => string.IsNullOrWhiteSpace(Auth0UserId) ? null : Auth0UserId.Trim();
}
