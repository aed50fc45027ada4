using Crm.Integration.Connectors.Secrets;

namespace Crm.Integration.Functions.Erasure;

/// <summary>Says at start, once, when no fingerprint key is set: the host runs, but an erasure cannot find ledger rows by person.</summary>
internal sealed class PersonFingerprintKeyCheck(ISecretStore secrets, ILogger<PersonFingerprintKeyCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await secrets.GetAsync(SecretNames.PersonFingerprintKey, cancellationToken).ConfigureAwait(false) is not { Length: > 0 })
        {
            Log.NoPersonFingerprintKey(logger);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
