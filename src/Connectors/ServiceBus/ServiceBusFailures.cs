using Azure.Identity;
using Azure.Messaging.ServiceBus;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>What a failure of Microsoft's client means for the hub: try again later, or a setting an operator must fix.</summary>
internal static class ServiceBusFailures
{
    /// <summary>The failures the SDK reports that are expected to pass on their own (503 to a webhook caller).</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ServiceBusException { Reason: ServiceBusFailureReason.ServiceTimeout or ServiceBusFailureReason.ServiceBusy
            or ServiceBusFailureReason.ServiceCommunicationProblem or ServiceBusFailureReason.QuotaExceeded } => true,
        ServiceBusException { IsTransient: true } => true,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Failures that will not pass until someone changes the namespace or the settings: readiness must say so, by name.
    /// Null for anything else.
    /// </summary>
    public static string? ConfigurationProblem(Exception exception, string address) => exception switch
    {
        ServiceBusException { Reason: ServiceBusFailureReason.MessagingEntityNotFound } =>
            $"entity '{address}' does not exist in the namespace",
        ServiceBusException { Reason: ServiceBusFailureReason.MessagingEntityDisabled } =>
            $"entity '{address}' is disabled",
        UnauthorizedAccessException ex => $"the namespace refused the credentials for '{address}': {ex.Message}",
        // CredentialUnavailableException (no managed identity, no developer sign-in) is one of these.
        AuthenticationFailedException ex => $"no token could be obtained for the namespace: {ex.Message}",
        _ => null,
    };

    /// <summary>Whether the exception came from the client or the namespace (and not from a bug in the hub).</summary>
    public static bool IsFromServiceBus(Exception exception) =>
        exception is ServiceBusException or UnauthorizedAccessException or AuthenticationFailedException
            or TimeoutException or ObjectDisposedException;
}
