using System.Net;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Crm.Integration.EndToEnd.Tests;

/// <summary>One image, two roles: the webhook alone, or the queue consumers alone (<c>AzureWebJobs:&lt;name&gt;:Disabled</c>).</summary>
public sealed class FunctionSwitchesEndToEndTests
{
    [Fact]
    public async Task WebhookSwitchedOff_Is404_AndTheQueueTriggersStillRun()
    {
        await using var hub = Hub(("AzureWebJobs:Auth0LogStream:Disabled", "true"));
        using var client = hub.CreateClient();

        using var post = await client.SendAsync(LogStreamRequests.Post("[]"u8.ToArray()));
        using var health = await client.GetAsync("/api/health");

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.OK), (post.StatusCode, health.StatusCode));
        Assert.Equal(["Auth0EventsTrigger", "PlatformEventsTrigger"], Triggers(hub));
    }

    [Fact]
    public async Task QueueTriggersSwitchedOff_AreNotStarted_AndTheWebhookStillAnswers()
    {
        await using var hub = Hub(("AzureWebJobs:Auth0Events:Disabled", "true"), ("AzureWebJobs:PlatformEvents:Disabled", "True"));
        using var client = hub.CreateClient();

        using var unauthenticated = await client.PostAsync("/api/auth0/log-stream", new StringContent("[]"));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode); // mapped, and still refusing strangers
        Assert.Empty(Triggers(hub));
    }

    private static HubFactory Hub(params (string Key, string Value)[] switches)
    {
        var settings = HubFactory.SettingsFor(TestStack.Shared, TestStack.Shared, $"Switch{Guid.NewGuid():N}"[..24]);
        settings["ServiceBus:Port"] = "9"; // no broker: these tests look at what the host runs, not at traffic
        foreach (var (key, value) in switches)
        {
            settings[key] = value;
        }

        return new HubFactory(settings);
    }

    private static string[] Triggers(HubFactory hub) => hub.Services.GetServices<IHostedService>()
        .Where(s => s is Auth0EventsTrigger or PlatformEventsTrigger)
        .Select(s => s.GetType().Name)
        .Order(StringComparer.Ordinal)
        .ToArray();
}
