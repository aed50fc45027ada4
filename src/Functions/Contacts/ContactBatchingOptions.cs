using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Functions.Contacts;

/// <summary>How contact changes from concurrent messages are gathered into HubSpot batch calls. Section <c>ContactBatching</c>.</summary>
public sealed class ContactBatchingOptions
{
    public const string SectionName = "ContactBatching";

    /// <summary>Distinct contacts per call (HubSpot takes at most 100).</summary>
    [Range(1, 100)]
    public int MaxBatchSize { get; set; } = 100;

    /// <summary>How long the first change of a batch waits for company before the batch is sent anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Batches in flight at once: while one waits for the rate limit or HubSpot, the next is being gathered.</summary>
    [Range(1, 64)]
    public int MaxConcurrentBatches { get; set; } = 4;

    /// <summary>
    /// Changes for a contact already in a batch join it (latest login wins). Off, with <see cref="MaxBatchSize"/> 1, the
    /// hub makes one HubSpot call per event, as the predecessor did: the benchmark's baseline.
    /// </summary>
    public bool Coalesce { get; set; } = true;
}
