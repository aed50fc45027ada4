using System.Collections.Concurrent;
using System.Net.Security;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Crm.Integration.Connectors.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Crm.Integration.Connectors.Tests.Storage;

/// <summary>
/// The hub's way to Table Storage in Azure — <c>Storage:TableEndpoint</c> and a token credential, no key — against
/// Azurite taking bearer tokens over HTTPS. Only the credential (a managed identity is not to be had here) and the
/// certificate trust differ from production.
/// </summary>
public sealed class TableStorageTokenTests(OAuthAzurite azurite) : IClassFixture<OAuthAzurite>, IAsyncDisposable
{
    private const string StorageAudience = "https://storage.azure.com";
    private static readonly DateTimeOffset ReceivedAt = new(2026, 12, 1, 22, 0, 0, TimeSpan.Zero);
    private readonly string _table = $"Token{Guid.NewGuid():N}"[..24];
    private ServiceProvider? _provider;

    [Fact]
    public async Task Ledger_ByEndpointWithAToken_WritesAndReadsARow()
    {
        var credential = new EntraLikeCredential(StorageAudience);
        var ledger = Services(credential).GetRequiredService<INotificationLedger>();

        var admission = await ledger.AdmitAsync(new NotificationReceipt("token-log-1", "auth0", "user-login", ReceivedAt), CancellationToken.None);
        await ledger.RecordOutcomeAsync(new NotificationReceipt("token-log-1", "auth0", "user-login", ReceivedAt), new NotificationOutcome(NotificationStatus.Delivered, null, "4711"), CancellationToken.None);
        var row = await ledger.FindAsync("token-log-1", "auth0", CancellationToken.None);

        Assert.True(admission.IsFirst);
        Assert.Equal((NotificationStatus.Delivered, "4711"), (row!.Status, row.HubSpotId));
        // The SDK asked the credential for Storage's scope: what a managed identity is asked for in Azure.
        Assert.Contains("https://storage.azure.com/.default", credential.ScopesAsked);
    }

    [Fact]
    public async Task Ledger_WithATokenForAnotherAudience_IsRefused()
    {
        var ledger = Services(new EntraLikeCredential("https://vault.azure.net")).GetRequiredService<INotificationLedger>();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            ledger.AdmitAsync(new NotificationReceipt("token-log-2", "auth0", "user-login", ReceivedAt), CancellationToken.None));

        // Azurite did check the token: the same call with Storage's audience succeeds in the test above.
        var failed = refused as RequestFailedException ?? refused.InnerException as RequestFailedException;
        Assert.NotNull(failed);
        Assert.Equal(403, failed.Status);
    }

    public async ValueTask DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    private ServiceProvider Services(TokenCredential credential)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:TableEndpoint"] = azurite.TableEndpoint.ToString(),
            ["Storage:NotificationsTable"] = _table,
            ["Storage:NetworkTimeout"] = "00:00:05",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton(credential);
        services.AddTableStorage(configuration);
        services.Configure<TableClientOptions>(options =>
        {
            options.Retry.MaxRetries = 0;
            options.Transport = new HttpClientTransport(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || certificate?.GetCertHashString() == azurite.Certificate.GetCertHashString(),
            });
        });
        _provider = services.BuildServiceProvider(validateScopes: true);
        return _provider;
    }

    /// <summary>
    /// Mints what Entra ID would hand a managed identity: a JWT from an Entra issuer for the requested audience, an hour
    /// long. Azurite's basic OAuth checks exactly those claims (not the signature, which needs Entra's keys).
    /// </summary>
    private sealed class EntraLikeCredential(string audience) : TokenCredential
    {
        private static readonly SymmetricSecurityKey Key = new(Encoding.UTF8.GetBytes("a test signing key of thirty-two bytes or more"));

        public ConcurrentBag<string> ScopesAsked { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            foreach (var scope in requestContext.Scopes)
            {
                ScopesAsked.Add(scope);
            }

            var now = TimeProvider.System.GetUtcNow();
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "https://sts.windows.net/00000000-0000-0000-0000-000000000000/",
                Audience = audience,
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = now.AddHours(1).UtcDateTime,
                SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
            });
            return new AccessToken(token, now.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
