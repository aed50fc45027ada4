using Microsoft.Extensions.Configuration.Memory;

namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// Reads <c>host.json</c> (the Azure Functions schema) into configuration the way the Functions host exposes it: every
/// key under <c>AzureFunctionsJobHost:</c>, and <c>logging.logLevel</c> as the usual <c>Logging:LogLevel</c>. It goes in
/// first, so appsettings and environment variables (e.g. <c>AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls</c>)
/// override it.
/// </summary>
internal static class HostJsonConfiguration
{
    public const string PathSetting = "HostJsonPath";
    private const string Prefix = "AzureFunctionsJobHost";

    public static void AddHostJson(this ConfigurationManager configuration)
    {
        var configuredPath = configuration[PathSetting];
        var path = configuredPath ?? Path.Combine(AppContext.BaseDirectory, "host.json");
        if (!File.Exists(path))
        {
            if (configuredPath is not null)
            {
                throw new FileNotFoundException($"host.json not found at '{path}' (setting {PathSetting}).", path);
            }

            return;
        }

        var hostJson = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in hostJson.AsEnumerable())
        {
            if (value is null)
            {
                continue;
            }

            settings[$"{Prefix}:{key}"] = value;
            const string logLevelPrefix = "logging:logLevel:";
            if (key.StartsWith(logLevelPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var category = key[logLevelPrefix.Length..];
                settings[$"Logging:LogLevel:{(category.Equals("default", StringComparison.OrdinalIgnoreCase) ? "Default" : category)}"] = value;
            }
        }

        ((IConfigurationBuilder)configuration).Sources.Insert(0, new MemoryConfigurationSource { InitialData = settings });
    }
}
