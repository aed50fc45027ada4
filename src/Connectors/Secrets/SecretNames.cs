namespace Crm.Integration.Connectors.Secrets;

/// <summary>Secret names, valid both as Key Vault secret names and as configuration keys under <c>Secrets:</c>.</summary>
public static class SecretNames
{
    /// <summary>The value Auth0 sends in the <c>Authorization</c> header of each log-stream delivery.</summary>
    public const string Auth0LogStreamToken = "Auth0LogStreamToken";

    /// <summary>The Auth0 machine-to-machine application that reads users through the Management API.</summary>
    public const string Auth0ManagementClientId = "Auth0ManagementClientId";

    public const string Auth0ManagementClientSecret = "Auth0ManagementClientSecret";

    /// <summary>A HubSpot private-app access token (OAuth comes with Key Vault).</summary>
    public const string HubSpotAccessToken = "HubSpotAccessToken";
}
