using System.Collections.Concurrent;
using System.Text;
using Azure.Core;

namespace Crm.Integration.Connectors.Tests.ServiceBus.AzureSdk;

/// <summary>A token credential that hands out an unsigned JWT-shaped token and records the scopes it was asked for.</summary>
internal sealed class JwtCredential : TokenCredential
{
    public ConcurrentQueue<string> Scopes { get; } = new();

    public string Token { get; } = string.Join('.', Encode("""{"alg":"RS256","typ":"JWT"}"""), Encode("""{"aud":"https://servicebus.azure.net"}"""), "c2lnbmF0dXJl");

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        foreach (var scope in requestContext.Scopes)
        {
            Scopes.Enqueue(scope);
        }

        return new AccessToken(Token, TimeProvider.System.GetUtcNow().AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));

    private static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
