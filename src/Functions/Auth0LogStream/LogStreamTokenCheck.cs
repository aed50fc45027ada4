using Crm.Integration.Connectors.Secrets;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>Fails closed: a host with no log-stream token would have to accept every caller or none, so it does not start.</summary>
internal sealed class LogStreamTokenCheck(ISecretStore secrets) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await secrets.GetAsync(SecretNames.Auth0LogStreamToken, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new InvalidOperationException(
                $"Secret '{SecretNames.Auth0LogStreamToken}' is not set (configuration Secrets:{SecretNames.Auth0LogStreamToken}, " +
                $"environment variable Secrets__{SecretNames.Auth0LogStreamToken}); the Auth0 log-stream webhook cannot authenticate callers.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
