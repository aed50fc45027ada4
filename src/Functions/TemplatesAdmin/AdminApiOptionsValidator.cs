using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>The annotations, and what they cannot say: an authority is an absolute HTTPS address (HTTP on loopback only), with an audience.</summary>
[OptionsValidator]
internal sealed partial class AdminApiOptionsAnnotations : IValidateOptions<AdminApiOptions>;

internal sealed class AdminApiOptionsValidator : IValidateOptions<AdminApiOptions>
{
    private readonly AdminApiOptionsAnnotations _annotations = new();

    public ValidateOptionsResult Validate(string? name, AdminApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var annotations = _annotations.Validate(name, options);
        if (annotations.Failed)
        {
            failures.AddRange(annotations.Failures);
        }

        if (options.Enabled)
        {
            const string Section = AdminApiOptions.SectionName;
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                failures.Add($"{Section}:Authority '{options.Authority}' is not an absolute http(s) address of a token issuer.");
            }
            else if (authority.Scheme == "http" && (options.RequireHttpsMetadata || !authority.IsLoopback))
            {
                failures.Add($"{Section}:Authority must be https (http is accepted only for a local issuer on a loopback address with {Section}:RequireHttpsMetadata=false).");
            }

            if (string.IsNullOrWhiteSpace(options.Audience))
            {
                failures.Add($"{Section}:Audience is required with {Section}:Authority: tokens must be issued for this API.");
            }

            if (options.PermissionClaims.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{Section}:PermissionClaims has an empty entry.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
