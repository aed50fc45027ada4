using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.Secrets;

/// <summary>Azure Key Vault. Bound from the <c>KeyVault</c> section; without a vault URI, secrets come from configuration.</summary>
public sealed class KeyVaultOptions
{
    public const string SectionName = "KeyVault";

    /// <summary>The vault, e.g. <c>https://crm-integration.vault.azure.net/</c>. Empty: secrets from configuration (<c>Secrets:*</c>).</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>How long a value read from the vault is used before it is read again: a rotation is live within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A secret a peer refused is read again at once, but not more often than this: refusals can come in floods (a
    /// misconfigured sender), and they may not each cost a vault read.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MinimumRereadInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Per-request timeout of the vault client; it retries twice within the call.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
