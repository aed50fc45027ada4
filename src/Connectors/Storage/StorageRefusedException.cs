namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Table Storage answered, and refused the request in a way that retrying cannot cure (a 4xx other than a timeout or
/// throttling: a value too large, a key it cannot hold). Unlike <see cref="StorageUnavailableException"/>, the same
/// work will fail the same way again, so it is settled as permanent instead of retried.
/// </summary>
public sealed class StorageRefusedException : Exception
{
    public StorageRefusedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public StorageRefusedException()
    {
    }

    public StorageRefusedException(string message)
        : base(message)
    {
    }
}
