namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>A configured Service Bus address: a queue (<c>orders</c>) or a topic subscription (<c>events/Subscriptions/hub</c>).</summary>
internal sealed record ServiceBusAddress(string Entity, string? Subscription)
{
    private const string SubscriptionsSegment = "/Subscriptions/";

    public static ServiceBusAddress Parse(string address)
    {
        var at = address.IndexOf(SubscriptionsSegment, StringComparison.OrdinalIgnoreCase);
        return at < 0
            ? new ServiceBusAddress(address, null)
            : new ServiceBusAddress(address[..at], address[(at + SubscriptionsSegment.Length)..]);
    }

    public override string ToString() => Subscription is null ? Entity : $"{Entity}{SubscriptionsSegment}{Subscription}";
}
