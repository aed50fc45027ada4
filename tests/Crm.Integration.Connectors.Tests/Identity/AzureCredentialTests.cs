using Azure.Core;
using Azure.Identity;
using Crm.Integration.Connectors.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.Connectors.Tests.Identity;

/// <summary>The one credential every Azure client resolves, chosen from settings and built once.</summary>
public sealed class AzureCredentialTests
{
    [Fact]
    public void AddAzureCredential_WithAClientId_IsThatManagedIdentity_OneInstance()
    {
        using var provider = Provider(new() { ["AzureIdentity:ManagedIdentityClientId"] = "00000000-0000-0000-0000-0000000000aa" });

        var credential = provider.GetRequiredService<TokenCredential>();

        Assert.IsType<ManagedIdentityCredential>(credential);
        Assert.Same(credential, provider.GetRequiredService<TokenCredential>());
    }

    [Fact]
    public void AddAzureCredential_WithoutAClientId_IsDefaultAzureCredential()
    {
        using var provider = Provider([]);

        Assert.IsType<DefaultAzureCredential>(provider.GetRequiredService<TokenCredential>());
    }

    [Fact]
    public void AddAzureCredential_ACredentialRegisteredBefore_IsKept()
    {
        var own = new ClientSecretCredential("00000000-0000-0000-0000-000000000001", "client", "not-a-real-secret");
        var configuration = new ConfigurationBuilder().Build();
        using var provider = new ServiceCollection().AddSingleton<TokenCredential>(own).AddAzureCredential(configuration).BuildServiceProvider();

        Assert.Same(own, provider.GetRequiredService<TokenCredential>());
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddAzureCredential(new ConfigurationBuilder().AddInMemoryCollection(settings).Build()).BuildServiceProvider();
}
