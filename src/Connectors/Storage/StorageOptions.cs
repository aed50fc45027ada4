using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.Storage;

/// <summary>Azure Table Storage (Azurite locally). Bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// The account's table endpoint, e.g. <c>https://myaccount.table.core.windows.net/</c>, reached with the hub's token
    /// credential (managed identity): no key in configuration. Required unless <see cref="ConnectionString"/> is set.
    /// </summary>
    public Uri? TableEndpoint { get; set; }

    /// <summary>
    /// For Azurite only: <c>UseDevelopmentStorage=true</c>, or a connection string whose table endpoint is on this machine.
    /// An account key for a real account is refused (use <see cref="TableEndpoint"/>). No default: a host missing both
    /// settings does not start, instead of quietly looking for Azurite.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>The ledger of every event the hub received and what became of it.</summary>
    [Required]
    [RegularExpression(TableNamePattern, ErrorMessage = TableNameRule)]
    public string NotificationsTable { get; set; } = "Notifications";

    /// <summary>Settings admins edit: HubSpot property names and other lookups, one partition per kind.</summary>
    [Required]
    [RegularExpression(TableNamePattern, ErrorMessage = TableNameRule)]
    public string LookupsTable { get; set; } = "Lookups";

    /// <summary>The mapping from platform template names to HubSpot transactional emails, edited by admins.</summary>
    [Required]
    [RegularExpression(TableNamePattern, ErrorMessage = TableNameRule)]
    public string EmailTemplatesTable { get; set; } = "EmailTemplates";

    /// <summary>The last login and task-signup dates written to HubSpot per contact, so that an older event never moves them back.</summary>
    [Required]
    [RegularExpression(TableNamePattern, ErrorMessage = TableNameRule)]
    public string ContactDatesTable { get; set; } = "ContactDates";

    /// <summary>The heartbeats of the replicas that share one HubSpot budget (see <c>SharedBudget</c>).</summary>
    [Required]
    [RegularExpression(TableNamePattern, ErrorMessage = TableNameRule)]
    public string ReplicasTable { get; set; } = "Replicas";

    /// <summary>Operations: the leases of scheduled jobs (the daily cleanup) and the audit trail of erasures and retention runs.</summary>
    [Required]
    [RegularExpression(TableNamePattern, ErrorMessage = TableNameRule)]
    public string OperationsTable { get; set; } = "Operations";

    /// <summary>
    /// Contact dates this process remembers (about 400 bytes each) so that a repeat login needs no read before its claim.
    /// 0 reads every time.
    /// </summary>
    [Range(0, 1_000_000)]
    public int ContactDatesRemembered { get; set; } = 50_000;

    /// <summary>Per-request timeout of the storage client; it retries twice within the call.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:02:00")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(10);

    private const string TableNamePattern = "^[A-Za-z][A-Za-z0-9]{2,62}$";
    private const string TableNameRule = "A table name is 3 to 63 letters and digits, starting with a letter.";
}
