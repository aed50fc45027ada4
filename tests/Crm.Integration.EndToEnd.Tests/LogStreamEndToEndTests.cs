namespace Crm.Integration.EndToEnd.Tests;

/// <summary>The log-stream suite on the AMQP transport against the shared RabbitMQ.</summary>
[Collection(HubCollection.Name)]
public sealed class LogStreamEndToEndTests(HubFixture hub) : LogStreamEndToEndSuite(hub)
{
    protected override string Transport => "Amqp";
}
