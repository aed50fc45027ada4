using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// How contact changes from concurrent messages are gathered into HubSpot batch calls. Section <c>ContactBatching</c>.
/// How many contacts a call carries is <see cref="HubSpotOptions.MaxBatchSize"/>, the one batch-size setting.
/// </summary>
public sealed class ContactBatchingOptions
{
    public const string SectionName = "ContactBatching";

    /// <summary>How long the first change of a batch waits for company before the batch is sent anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Batches in flight at once: while one waits for the rate limit or HubSpot, the next is being gathered.</summary>
    [Range(1, 64)]
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>
    /// Changes for a contact already in a batch join it (latest login wins). Off, with <see cref="HubSpotOptions.MaxBatchSize"/> 1, the
    /// hub makes one HubSpot call per event, as the predecessor did: the benchmark's baseline.
    /// </summary>
    public bool Coalesce { get; set; } = true;
}

[Microsoft.Extensions.Options.OptionsValidator]
internal sealed partial class ContactBatchingOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ContactBatchingOptions>;
