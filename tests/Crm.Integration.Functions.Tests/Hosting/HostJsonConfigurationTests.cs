using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Crm.Integration.Functions.Tests.Hosting;

public sealed class HostJsonConfigurationTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"host-{Guid.NewGuid():N}.json");

    [Fact]
    public void AddHostJson_ServiceBusAndLogLevels_AreReadWithFunctionsMeaning()
    {
        File.WriteAllText(_path, """
            { "version": "2.0",
              "logging": { "logLevel": { "default": "Warning", "Crm.Integration": "Debug" } },
              "extensions": { "serviceBus": { "maxConcurrentCalls": 7, "prefetchCount": 3 } } }
            """);

        var configuration = Build(("HostJsonPath", _path));
        var trigger = configuration.GetSection(ServiceBusTriggerOptions.SectionName).Get<ServiceBusTriggerOptions>()!;

        Assert.Equal((7, 3, 10), (trigger.MaxConcurrentCalls, trigger.PrefetchCount, trigger.LinkCredit));
        Assert.Equal("Warning", configuration["Logging:LogLevel:Default"]);
        Assert.Equal("Debug", configuration["Logging:LogLevel:Crm.Integration"]);
    }

    [Fact]
    public void AddHostJson_LaterSourcesOverrideIt()
    {
        File.WriteAllText(_path, """{ "extensions": { "serviceBus": { "maxConcurrentCalls": 7 } } }""");

        var configuration = Build(("HostJsonPath", _path), ("AzureFunctionsJobHost:extensions:serviceBus:maxConcurrentCalls", "99"));

        Assert.Equal("99", configuration["AzureFunctionsJobHost:extensions:serviceBus:maxConcurrentCalls"]);
    }

    [Fact]
    public void AddHostJson_ConfiguredPathMissing_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Build(("HostJsonPath", _path)));

        Assert.Contains("HostJsonPath", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => File.Delete(_path);

    private static ConfigurationManager Build(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        configuration.AddHostJson();
        return configuration;
    }
}
