using Crm.Integration.Connectors.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Tests.ServiceBus;

/// <summary><c>ServiceBus:Transport</c> picks one implementation of the seam, and the Azure one needs somewhere to connect.</summary>
public sealed class TransportSelectionTests
{
    [Theory]
    [InlineData(null, typeof(AmqpQueueSender), typeof(AmqpQueueListener))]
    [InlineData("Amqp", typeof(AmqpQueueSender), typeof(AmqpQueueListener))]
    [InlineData("AzureServiceBus", typeof(ServiceBusQueueSender), typeof(ServiceBusQueueListener))]
    public async Task AddServiceBus_Transport_RegistersThatTransportOnly(string? transport, Type sender, Type listener)
    {
        await using var provider = Provider(
            ("ServiceBus:Transport", transport), ("ServiceBus:FullyQualifiedNamespace", "example.servicebus.windows.net"),
            ("ServiceBus:Host", "127.0.0.1"), ("ServiceBus:KeyName", "guest"), ("ServiceBus:Key", "guest"));

        Assert.Equal((sender, listener), (provider.GetRequiredService<IQueueSender>().GetType(), provider.GetRequiredService<IQueueListener>().GetType()));
    }

    [Fact]
    public async Task AddServiceBus_AzureServiceBusWithoutNamespaceOrConnectionString_FailsNamingBothSettings()
    {
        await using var provider = Provider(("ServiceBus:Transport", "AzureServiceBus"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ServiceBusOptions>>().Value);

        Assert.Contains("ServiceBus:FullyQualifiedNamespace", error.Message, StringComparison.Ordinal);
        Assert.Contains("ServiceBus:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The AMQP client's host and key are required for that transport only: a namespace needs neither.</summary>
    [Fact]
    public async Task AddServiceBus_AzureServiceBusWithANamespace_NeedsNoAmqpHostOrKey_AmqpDoes()
    {
        await using var azure = Provider(("ServiceBus:Transport", "AzureServiceBus"), ("ServiceBus:FullyQualifiedNamespace", "example.servicebus.windows.net"));
        await using var amqp = Provider(("ServiceBus:Transport", "Amqp"));

        Assert.Equal("example.servicebus.windows.net", azure.GetRequiredService<IOptions<ServiceBusOptions>>().Value.FullyQualifiedNamespace);
        var error = Assert.Throws<OptionsValidationException>(() => amqp.GetRequiredService<IOptions<ServiceBusOptions>>().Value);
        Assert.Contains("ServiceBus:Host is not set", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(params (string Key, string? Value)[] settings)
    {
        var values = settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value);
        values["ServiceBus:Entities:orders"] = "orders";
        return new ServiceCollection().AddLogging().AddServiceBus(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).BuildServiceProvider();
    }
}
