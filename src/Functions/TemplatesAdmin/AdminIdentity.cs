using System.Security.Claims;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>The admin behind a request, as the audit trail records them and the permission checks see them.</summary>
internal sealed record AdminIdentity(string Subject, string? DisplayName, IReadOnlySet<string> Permissions)
{
    /// <summary>What history shows: "Ada Admin (auth0|123)", or the subject alone when the token carries no name.</summary>
    public string AuditName => DisplayName is null || DisplayName == Subject ? Subject : $"{DisplayName} ({Subject})";

    public static AdminIdentity From(ClaimsPrincipal user, IEnumerable<string> permissionClaims)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claimTypes = permissionClaims.ToHashSet(StringComparer.Ordinal);
        var permissions = user.Claims
            .Where(c => claimTypes.Contains(c.Type))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);
        var subject = user.FindFirstValue("sub") ?? user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown";
        var displayName = user.FindFirstValue("name") ?? user.FindFirstValue("preferred_username") ?? user.FindFirstValue("email");
        return new AdminIdentity(subject, displayName, permissions);
    }

    /// <summary>Writers and operators may read too.</summary>
    public bool CanRead(AdminApiOptions options) => CanWrite(options) || CanOperate(options) || Permissions.Contains(options.ReaderPermission);

    public bool CanWrite(AdminApiOptions options) => Permissions.Contains(options.WriterPermission);

    /// <summary>Retention runs, erasure and the other operations endpoints; not template changes.</summary>
    public bool CanOperate(AdminApiOptions options) => Permissions.Contains(options.OperatorPermission);
}
