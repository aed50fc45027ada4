using Crm.Integration.Connectors.Secrets;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>
/// The tokens the webhook accepts: the current one from the secret store and, for
/// <see cref="Auth0LogStreamOptions.PreviousTokenGracePeriod"/> after the store's value changed, the one before it — so
/// that Auth0's deliveries do not fail while its setting is being changed to a rotated token. A token that matches
/// neither makes the store read the secret again (a rotation not read yet) before the request is refused.
/// </summary>
internal sealed class LogStreamTokens(ISecretStore secrets, IOptionsMonitor<Auth0LogStreamOptions> options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private string? _current;
    private string? _previous;
    private DateTimeOffset _replacedAt;

    public async ValueTask<LogStreamAuthentication> AuthenticateAsync(string? authorizationHeader, CancellationToken cancellationToken)
    {
        var verdict = LogStreamAuthenticator.Authenticate(
            authorizationHeader, Accepted(await secrets.GetAsync(SecretNames.Auth0LogStreamToken, cancellationToken).ConfigureAwait(false)));
        if (verdict != LogStreamAuthentication.Invalid)
        {
            return verdict;
        }

        return LogStreamAuthenticator.Authenticate(
            authorizationHeader, Accepted(await secrets.RefreshAsync(SecretNames.Auth0LogStreamToken, cancellationToken).ConfigureAwait(false)));
    }

    private string?[] Accepted(string? token)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (token != _current)
            {
                (_previous, _current, _replacedAt) = (_current, token, now);
            }

            return _previous is not null && now - _replacedAt < options.CurrentValue.PreviousTokenGracePeriod ? [_current, _previous] : [_current];
        }
    }
}
