using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using Request = WireMock.RequestBuilders.Request;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Crm.Integration.Testing;

/// <summary>
/// Key Vault's secrets REST API as WireMock.Net serves it over HTTPS with a certificate made here: a request without a
/// bearer token gets Key Vault's 401 challenge, one with a token gets the secret's current version or 404.
/// </summary>
public sealed class KeyVaultEmulator : IDisposable
{
    private readonly WireMockServer _server;
    private readonly X509Certificate2 _certificate = SelfSigned();

    public KeyVaultEmulator()
    {
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            UseSSL = true,
            CertificateSettings = new WireMockCertificateSettings { X509Certificate = _certificate },
        });
        _server.Given(Request.Create().WithPath("/secrets/*").UsingGet().WithHeader("Authorization", "*", WireMock.Matchers.MatchBehaviour.RejectOnMatch)).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader(
                "WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\""));
        _server.Given(Request.Create().WithPath("/secrets/*").UsingGet()).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(404).WithBodyAsJson(new { error = new { code = "SecretNotFound", message = "A secret with that name was not found in this key vault." } }));
    }

    public Uri VaultUri => new(_server.Url!);

    public int Reads(string name) => _server.LogEntries.Count(e => e.RequestMessage!.Path == $"/secrets/{name}" && e.RequestMessage.Headers!.ContainsKey("Authorization"));

    /// <summary>Sets (or replaces: a rotation) the secret's current value.</summary>
    public void Set(string name, string value) =>
        _server.Given(Request.Create().WithPath($"/secrets/{name}").UsingGet()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBodyAsJson(new
            {
                value,
                id = $"{_server.Url}/secrets/{name}/{Guid.NewGuid():N}",
                attributes = new { enabled = true },
            }));

    /// <summary>The vault stops answering (network gone): further reads fail.</summary>
    public void Stop() => _server.Stop();

    /// <summary>A client as the host builds one, but trusting this emulator's certificate and with a fixed token.</summary>
    public SecretClient Client()
    {
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, errors) =>
                errors == SslPolicyErrors.None || certificate?.GetCertHashString() == _certificate.GetCertHashString(),
        };
        var options = new SecretClientOptions { Transport = new HttpClientTransport(handler), DisableChallengeResourceVerification = true };
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        return new SecretClient(VaultUri, new StaticToken(), options);
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _certificate.Dispose();
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    /// <summary>What a managed identity would hand the SDK after the challenge: a bearer token for the vault.</summary>
    private sealed class StaticToken : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new("test-vault-token", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
