namespace Crm.Integration.Connectors.Secrets;

/// <summary>Secret names, valid both as Key Vault secret names and as configuration keys under <c>Secrets:</c>.</summary>
public static class SecretNames
{
    /// <summary>The value Auth0 sends in the <c>Authorization</c> header of each log-stream delivery.</summary>
    public const string Auth0LogStreamToken = "Auth0LogStreamToken";

    /// <summary>The Auth0 machine-to-machine application that reads users through the Management API.</summary>
    public const string Auth0ManagementClientId = "Auth0ManagementClientId";

    public const string Auth0ManagementClientSecret = "Auth0ManagementClientSecret";

    /// <summary>A HubSpot private-app access token (with <c>HubSpot:Authentication</c> = <c>PrivateApp</c>).</summary>
    public const string HubSpotAccessToken = "HubSpotAccessToken";

    /// <summary>The HubSpot OAuth app's client id, client secret and the portal's refresh token (with <c>HubSpot:Authentication</c> = <c>OAuth</c>).</summary>
    public const string HubSpotClientId = "HubSpotClientId";

    public const string HubSpotClientSecret = "HubSpotClientSecret";

    public const string HubSpotRefreshToken = "HubSpotRefreshToken";

    /// <summary>
    /// The key of the person fingerprints in the ledger (HMAC-SHA256 of an email or Auth0 user id), by which an erasure
    /// finds a person's rows. Optional: without it no fingerprint is written. Never rotate it (old rows become unfindable).
    /// </summary>
    public const string PersonFingerprintKey = "PersonFingerprintKey";
}
