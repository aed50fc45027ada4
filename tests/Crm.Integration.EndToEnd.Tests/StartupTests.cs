using Crm.Integration.Testing;
using Microsoft.Extensions.Options;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>The host refuses to start on configuration it cannot run with, naming the setting.</summary>
public sealed class StartupTests
{
    public static TheoryData<string, string?, string> BadSettings() => new()
    {
        { "Secrets:Auth0LogStreamToken", null, "Secret 'Auth0LogStreamToken' is not set" },
        { "Auth0LogStream:ForwardedTypes:2", "slo", "Auth0LogStream:ForwardedTypes may only name log types that have a handler" },
        { "Auth0LogStream:MaxBodyBytes", "10", "MaxBodyBytes" },
        { "ServiceBus:Port", "70000", "Port" },
        { "ServiceBus:Entities:auth0-log-events", "", "ServiceBus:Entities:auth0-log-events is not set" },
        { "Storage:NotificationsTable", "bad-name!", "A table name is 3 to 63 letters and digits" },
        { "AzureFunctionsJobHost:extensions:serviceBus:maxConcurrentCalls", "0", "MaxConcurrentCalls" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Start_WithABadSetting_FailsWithAMessageNamingIt(string key, string? value, string expected)
    {
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, "StartupNeverWritten");
        settings[key] = value;
        using var factory = new HubFactory(settings);

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var messages = string.Join(" | ", Flatten(error).Select(e => e.Message));
        Assert.Contains(expected, messages, StringComparison.Ordinal);
        Assert.True(error is InvalidOperationException or OptionsValidationException or AggregateException, error.GetType().Name);
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten))
                {
                    yield return inner;
                }
            }
        }
    }
}
