namespace Crm.Integration.Connectors.Identity;

/// <summary>Who the hub is to Azure. Bound from the <c>AzureIdentity</c> configuration section.</summary>
public sealed class AzureIdentityOptions
{
    public const string SectionName = "AzureIdentity";

    /// <summary>
    /// The client id of the hub's user-assigned managed identity (in Azure; infra/bicep sets it). Empty:
    /// <c>DefaultAzureCredential</c> — the Azure CLI or Visual Studio login on a developer's machine, environment
    /// credentials, or a system-assigned identity.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }
}
