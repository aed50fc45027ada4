namespace Crm.Integration.Functions.Common;

/// <summary>Logical entity names; each maps to a broker address under <c>ServiceBus:Entities</c>.</summary>
internal static class QueueNames
{
    public const string Auth0LogEvents = "auth0-log-events";
    public const string PlatformEvents = "platform-events";
}
