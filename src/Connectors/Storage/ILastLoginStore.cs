namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// The latest login date written to HubSpot per contact (keyed by a hash of the email, never the email itself), so
/// that a login older than one already written never moves the contact's date backwards.
/// </summary>
public interface ILastLoginStore
{
    /// <summary>The latest login written for the contact, in epoch milliseconds, or null.</summary>
    Task<long?> GetAsync(string email, CancellationToken cancellationToken);

    /// <summary>Raises the stored date to <paramref name="epochMilliseconds"/> if it is later; returns the date stored after the call.</summary>
    Task<long> AdvanceAsync(string email, long epochMilliseconds, CancellationToken cancellationToken);
}
