using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.PlatformEvents;

namespace Crm.Integration.Functions.Deliveries;

/// <summary>
/// What an operator calls a source, and the ledger channels it covers: <c>auth0</c> is the log stream, <c>platform</c>
/// every platform event (task signups and emails keep rows of their own channel, keyed by the event id); a channel's
/// own name narrows to it.
/// </summary>
internal static class EventSources
{
    public const string Auth0 = Auth0Channel.Name;
    public const string Platform = PlatformEventsTrigger.Channel;

    public static IReadOnlyList<string>? ChannelsOf(string? source) => source?.Trim().ToLowerInvariant() switch
    {
        null or "" => LedgerChannels.All,
        Platform => [.. LedgerChannels.All.Where(channel => channel != Auth0)],
        var named when LedgerChannels.All.Contains(named) => [named],
        _ => null,
    };

    /// <summary>The source an operator would name a row of <paramref name="channel"/> by.</summary>
    public static string SourceOf(string channel) => channel == Auth0 ? Auth0 : Platform;

    public static string Known => $"{Auth0}, {Platform} (or a channel: {string.Join(", ", LedgerChannels.All)})";
}
