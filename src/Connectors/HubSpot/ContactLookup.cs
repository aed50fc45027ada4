namespace Crm.Integration.Connectors.HubSpot;

/// <summary>How a contact is looked up: by its HubSpot record id (<c>hs_object_id</c>) or by email.</summary>
public sealed record ContactKey(string Value, bool IsEmail)
{
    public static ContactKey ById(string contactId) => new(contactId, IsEmail: false);

    public static ContactKey ByEmail(string email) => new(email, IsEmail: true);

    /// <summary>For logs and the ledger: the id as it is, an email never.</summary>
    public override string ToString() => IsEmail ? "contact by email" : $"contact {Value}";
}

public enum ContactLookupKind
{
    Found,

    /// <summary>HubSpot has no such contact (yet).</summary>
    NotFound,

    /// <summary>May pass: throttled, HubSpot unavailable, a timeout.</summary>
    Transient,

    /// <summary>HubSpot will never answer this lookup (e.g. a malformed id).</summary>
    Permanent,
}

/// <summary>What a lookup found: the contact's id and email when <see cref="ContactLookupKind.Found"/>.</summary>
public sealed record ContactLookup(ContactLookupKind Kind, string? ContactId = null, string? Email = null, HubSpotError? Error = null)
{
    public static ContactLookup NotFound { get; } = new(ContactLookupKind.NotFound);
}
