namespace Crm.Integration.Functions.Hosting;

/// <summary>
/// Functions can be switched off by setting, as on Azure Functions (<c>AzureWebJobs:&lt;name&gt;:Disabled</c>; env
/// <c>AzureWebJobs__&lt;name&gt;__Disabled=true</c>), so that one image runs as the webhook alone or as the queue
/// consumers alone — each scaled on its own load, the webhook's answers not slowed by a drain on the same cores.
/// </summary>
internal static class FunctionSwitches
{
    public const string Auth0LogStream = "Auth0LogStream";
    public const string Auth0Events = "Auth0Events";
    public const string PlatformEvents = "PlatformEvents";
    public const string NotificationsCleanup = "NotificationsCleanup";
    public const string DailySummary = "DailySummary";

    private static readonly string[] All = [Auth0LogStream, Auth0Events, PlatformEvents, NotificationsCleanup, DailySummary];

    public static bool IsDisabled(IConfiguration configuration, string function) =>
        configuration.GetValue<bool>($"AzureWebJobs:{function}:Disabled");

    /// <summary>Says at start which functions this host does not run, so that a replica's role is in its log.</summary>
    public static void LogDisabled(IConfiguration configuration, ILogger logger)
    {
        foreach (var function in All.Where(f => IsDisabled(configuration, f)))
        {
            Log.FunctionDisabled(logger, function);
        }
    }
}
