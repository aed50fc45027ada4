namespace Crm.Integration.Connectors.HubSpot;

/// <summary>HubSpot's marketing emails (<c>/marketing/v3/emails</c>), read to check that a template names a real email.</summary>
public interface IHubSpotMarketingEmails
{
    /// <summary><c>GET /marketing/v3/emails/{emailId}</c>: found (with its name), not found, or not known now.</summary>
    Task<MarketingEmailLookup> FindAsync(long emailId, CancellationToken cancellationToken);
}

public enum MarketingEmailLookupKind
{
    Found,
    NotFound,

    /// <summary>HubSpot did not say (5xx, 429, timeout, refused credentials): the id is neither accepted nor refused.</summary>
    Unknown,
}

public sealed record MarketingEmailLookup(MarketingEmailLookupKind Kind, string? EmailName = null, HubSpotError? Error = null);
