using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>
/// Who may use <c>/api/admin</c> and the admin page. Bound from the <c>AdminApi</c> section. Without an
/// <see cref="Authority"/> the admin API and page are not served at all (fail closed).
/// </summary>
public sealed class AdminApiOptions
{
    public const string SectionName = "AdminApi";

    /// <summary>
    /// The token issuer whose OpenID configuration (<c>{Authority}/.well-known/openid-configuration</c>) names its
    /// signing keys: an Auth0 tenant (<c>https://tenant.eu.auth0.com/</c>) or Entra ID
    /// (<c>https://login.microsoftonline.com/{tenant}/v2.0</c>).
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The audience tokens must be issued for (the Auth0 API identifier, or the Entra application id URI).</summary>
    public string? Audience { get; set; }

    /// <summary>False only for a local issuer on a loopback address (the local stack's); any other authority must be HTTPS.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The permission, role or scope value that allows reading templates and their history.</summary>
    [Required]
    public string ReaderPermission { get; set; } = "crm-templates:read";

    /// <summary>The value that allows creating, replacing and deleting templates (and reading them).</summary>
    [Required]
    public string WriterPermission { get; set; } = "crm-templates:write";

    /// <summary>
    /// The value that allows operations — retention runs, erasure of a person — and reading. Auth0: an RBAC permission
    /// of the API; Entra ID: an app role of that value.
    /// </summary>
    [Required]
    public string OperatorPermission { get; set; } = "crm-operations:run";

    /// <summary>
    /// Claims searched for those values: Auth0 RBAC puts them in <c>permissions</c>, Entra app roles in <c>roles</c>,
    /// delegated scopes in <c>scope</c> (Auth0) or <c>scp</c> (Entra), space-separated.
    /// </summary>
    [MinLength(1)]
    public List<string> PermissionClaims { get; set; } = ["permissions", "roles", "scope", "scp"];

    /// <summary>Look the HubSpot email id up in HubSpot before saving; an id HubSpot does not know is a field error.</summary>
    public bool CheckHubSpotEmailIds { get; set; }

    /// <summary>Templates or history entries per page when the caller does not ask for fewer.</summary>
    [Range(1, 200)]
    public int PageSize { get; set; } = 50;

    /// <summary>The largest template body accepted.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
