namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>Authorization policies of <c>/api/admin</c>; each authenticates with the admin bearer scheme only.</summary>
internal static class AdminPolicies
{
    public const string Scheme = "AdminBearer";
    public const string SignedIn = "admin-signed-in";
    public const string Read = "templates-read";
    public const string Write = "templates-write";
    public const string Operate = "operations-run";
}
