using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Connectors.Tests.Storage;

/// <summary>Which storage settings a host may start with: an https endpoint (Azure), or a connection string to Azurite.</summary>
public sealed class StorageEndpointTests
{
    private const string AzuriteKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Theory]
    [InlineData("https://prod.table.core.windows.net/", null)]
    [InlineData(null, "UseDevelopmentStorage=true")]
    [InlineData(null, $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AzuriteKey};TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;")]
    [InlineData(null, $"AccountName=devstoreaccount1;AccountKey={AzuriteKey};TableEndpoint=http://localhost:10002/devstoreaccount1")]
    public void Problem_EndpointOrAzurite_None(string? endpoint, string? connectionString) =>
        Assert.Null(StorageEndpoint.Problem(Options(endpoint, connectionString)));

    [Theory]
    [InlineData(null, null, "Storage:TableEndpoint is not set")]
    [InlineData("http://prod.table.core.windows.net/", null, "Storage:TableEndpoint must be an absolute https:// address")]
    [InlineData("https://prod.table.core.windows.net/", "UseDevelopmentStorage=true", "not both")]
    [InlineData(null, "DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;EndpointSuffix=core.windows.net", "Storage:ConnectionString is for Azurite only")]
    [InlineData(null, "AccountName=prod;AccountKey=a2V5;TableEndpoint=https://prod.table.core.windows.net/", "Storage:ConnectionString is for Azurite only")]
    [InlineData(null, "UseDevelopmentStorage=false", "Storage:ConnectionString is for Azurite only")]
    public void Problem_AnythingElse_NamesTheSetting(string? endpoint, string? connectionString, string expected) =>
        Assert.Contains(expected, StorageEndpoint.Problem(Options(endpoint, connectionString)), StringComparison.Ordinal);

    private static StorageOptions Options(string? endpoint, string? connectionString) => new()
    {
        TableEndpoint = endpoint is null ? null : new Uri(endpoint),
        ConnectionString = connectionString,
    };
}
