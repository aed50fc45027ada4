using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Which way the hub reaches Table Storage: an endpoint with a token credential (Azure), or a connection string that
/// only Azurite may use. Checked at start, so that a deployment missing its endpoint refuses to run.
/// </summary>
internal sealed class StorageEndpoint : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;

    /// <summary>Why the settings cannot be used, naming the setting; null when they can.</summary>
    public static string? Problem(StorageOptions options)
    {
        var section = StorageOptions.SectionName;
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        return (options.TableEndpoint, hasConnectionString) switch
        {
            (null, false) => $"{section}:TableEndpoint is not set: the storage account's table endpoint, e.g. " +
                             $"https://<account>.table.core.windows.net/ ({section}:ConnectionString only for Azurite).",
            (not null, true) => $"Set {section}:TableEndpoint or {section}:ConnectionString (Azurite), not both.",
            ({ } endpoint, false) when !endpoint.IsAbsoluteUri || endpoint.Scheme != Uri.UriSchemeHttps =>
                $"{section}:TableEndpoint must be an absolute https:// address (bearer tokens are only sent over HTTPS).",
            (null, true) when !IsAzurite(options.ConnectionString!) =>
                $"{section}:ConnectionString is for Azurite only (UseDevelopmentStorage=true or a TableEndpoint on this " +
                $"machine); for an Azure account set {section}:TableEndpoint, reached with the managed identity.",
            _ => null,
        };
    }

    private static bool IsAzurite(string connectionString)
    {
        var pairs = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (pairs.TryGetValue("UseDevelopmentStorage", out var development))
        {
            return string.Equals(development, "true", StringComparison.OrdinalIgnoreCase);
        }

        return pairs.TryGetValue("TableEndpoint", out var endpoint)
            && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            && uri.IsLoopback;
    }
}
