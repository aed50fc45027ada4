namespace Crm.Integration.Connectors.Storage;

/// <summary>The <c>Lookups</c> table: rows of (partition, key, <c>Value</c>) that admins edit.</summary>
public interface ILookups
{
    /// <summary>Every key and value of one partition; empty when the partition has no rows.</summary>
    Task<IReadOnlyDictionary<string, string>> GetPartitionAsync(string partition, CancellationToken cancellationToken);
}
