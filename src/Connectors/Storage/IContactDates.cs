namespace Crm.Integration.Connectors.Storage;

/// <summary>A date the hub writes to a contact and that must never move backwards.</summary>
public enum ContactDate
{
    LastLogin,
    LastTaskSignup,
}

/// <summary>
/// The latest date of each kind written to HubSpot per contact (keyed by a hash of the email, never the email itself),
/// so that an event older than one already written never moves the contact's date backwards.
/// </summary>
public interface IContactDates
{
    /// <summary>The latest date written for the contact, in epoch milliseconds, or null.</summary>
    Task<long?> GetAsync(string email, ContactDate date, CancellationToken cancellationToken);

    /// <summary>The latest date this process has read or written for the contact, without a request; null when it knows none.</summary>
    long? Known(string email, ContactDate date);

    /// <summary>Raises the stored date to <paramref name="epochMilliseconds"/> if it is later; returns the date stored after the call.</summary>
    Task<long> AdvanceAsync(string email, ContactDate date, long epochMilliseconds, CancellationToken cancellationToken);
}
