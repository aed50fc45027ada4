namespace Crm.Integration.EndToEnd.Tests;

/// <summary>The log-stream suite on the Azure transport (Microsoft's client) against the Service Bus double.</summary>
[Collection(ServiceBusSdkHubCollection.Name)]
public sealed class LogStreamOnServiceBusSdkEndToEndTests(ServiceBusSdkHubFixture hub) : LogStreamEndToEndSuite(hub)
{
    protected override string Transport => "AzureServiceBus";
}
