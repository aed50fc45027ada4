using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Functions.Common;

/// <summary>How settings admins keep in the <c>Lookups</c> table are read. Bound from the <c>Lookups</c> section.</summary>
public sealed class LookupsOptions
{
    public const string SectionName = "Lookups";

    /// <summary>How long settings read from Lookups are used before they are read again: an admin's edit is live within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan CacheFor { get; set; } = TimeSpan.FromSeconds(30);
}
