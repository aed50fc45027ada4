using Crm.Integration.Connectors.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Crm.Integration.Connectors.Secrets;

/// <summary>Log events of the secrets connector (ids 1500–1599): secret names, never values.</summary>
internal static partial class Log
{
    [LoggerMessage(1500, LogLevel.Warning, "Secret {Name} not read: {Reason} The value read before stays in use.")]
    public static partial void VaultUnreachable(ILogger logger, Untrusted name, Untrusted reason);

    [LoggerMessage(1501, LogLevel.Information, "Secret {Name} has a new value in Key Vault; it is used from now on")]
    public static partial void SecretChanged(ILogger logger, Untrusted name);
}
