using System.Reflection;

namespace Crm.Integration.Testing;

/// <summary>Where the repository and the shared fixtures are, wherever the tests run from.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared</c> beside the clone, as CI lays it out; <c>CRM_SHARED_DIR</c> overrides.</summary>
    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("CRM_SHARED_DIR") is { Length: > 0 } configured
            ? configured
            : Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>The build configuration these tests were built in (Debug in the suite, Release in the benchmark): the hub process started beside them is the same build.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    public static string Auth0Fixtures => Path.Combine(Shared, "fixtures", "auth0");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Crm.Integration.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Crm.Integration.sln not found above {AppContext.BaseDirectory}.");
    }
}
