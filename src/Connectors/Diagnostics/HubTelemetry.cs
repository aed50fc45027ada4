using System.Diagnostics;

namespace Crm.Integration.Connectors.Diagnostics;

/// <summary>
/// The names the hub's traces go by: one <see cref="ActivitySource"/> per connector and trigger, all under
/// <see cref="SourcePrefix"/> so that one wildcard subscribes to them. Span attributes carry identifiers (message ids,
/// log ids, queue names, counts, statuses), never an email or a name.
/// </summary>
public static class HubTelemetry
{
    public const string SourcePrefix = "Crm.Integration";

    /// <summary>What a tracer subscribes to for every source below.</summary>
    public const string SourceWildcard = SourcePrefix + ".*";

    /// <summary>The webhook Auth0's log stream posts to.</summary>
    public static readonly ActivitySource Auth0LogStream = new(SourcePrefix + ".Auth0LogStream");

    /// <summary>The queue trigger of <c>auth0-log-events</c>.</summary>
    public static readonly ActivitySource Auth0Events = new(SourcePrefix + ".Auth0Events");

    /// <summary>The queue trigger of <c>platform-events</c>.</summary>
    public static readonly ActivitySource PlatformEvents = new(SourcePrefix + ".PlatformEvents");

    /// <summary>Sends and receives on either transport.</summary>
    public static readonly ActivitySource ServiceBus = new(SourcePrefix + ".ServiceBus");

    /// <summary>HubSpot calls as the hub sees them: the contacts batch, the email send and its status polls.</summary>
    public static readonly ActivitySource HubSpot = new(SourcePrefix + ".HubSpot");

    /// <summary>The Auth0 Management API (profiles read by user id).</summary>
    public static readonly ActivitySource Auth0 = new(SourcePrefix + ".Auth0");

    /// <summary>
    /// The Azure SDKs' own sources (Service Bus, Tables, Key Vault, Identity), published only when the AppContext switch
    /// <see cref="AzureActivitySourceSwitch"/> is on.
    /// </summary>
    public const string AzureSdkWildcard = "Azure.*";

    public const string AzureActivitySourceSwitch = "Azure.Experimental.EnableActivitySource";
}
