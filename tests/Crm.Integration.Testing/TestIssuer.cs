using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WireMock.ResponseBuilders;
using WireMock.Server;
using Request = WireMock.RequestBuilders.Request;

namespace Crm.Integration.Testing;

/// <summary>
/// A token issuer as the admin API meets one: OpenID discovery and a JWKS served by WireMock.Net, and RS256 access
/// tokens minted with the key the JWKS publishes (or, to test refusal, with one it does not).
/// </summary>
public sealed class TestIssuer : IDisposable
{
    public const string Audience = "https://crm-integration.test/admin";
    public const string ReadPermission = "crm-templates:read";
    public const string WritePermission = "crm-templates:write";
    public const string OperatePermission = "crm-operations:run";

    private readonly WireMockServer _server = WireMockServer.Start();
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _strangerKey = RSA.Create(2048);
    private readonly string _keyId = Guid.NewGuid().ToString("N");

    public TestIssuer()
    {
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        _server.Given(Request.Create().WithPath("/.well-known/openid-configuration").UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new { issuer = Issuer, jwks_uri = $"{_server.Url}/.well-known/jwks.json" }));
        _server.Given(Request.Create().WithPath("/.well-known/jwks.json").UsingGet())
            .RespondWith(Response.Create().WithBodyAsJson(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = _keyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            }));
    }

    /// <summary>The authority the hub is configured with; Auth0's issuers end in a slash, so this one does too.</summary>
    public string Issuer => _server.Url + "/";

    /// <summary>The settings that point the hub's admin API at this issuer.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["AdminApi:Authority"] = Issuer,
        ["AdminApi:Audience"] = Audience,
        ["AdminApi:RequireHttpsMetadata"] = "false",
    };

    /// <summary>An access token for <paramref name="subject"/> carrying <paramref name="permissions"/> in Auth0's <c>permissions</c> claim.</summary>
    public string Mint(
        string subject,
        string[] permissions,
        string? name = null,
        string audience = Audience,
        TimeSpan? lifetime = null,
        bool signedByStranger = false,
        string permissionClaim = "permissions")
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var expires = now + (lifetime ?? TimeSpan.FromHours(1));
        var issued = (expires < now ? expires : now) - TimeSpan.FromMinutes(1);
        var claims = new Dictionary<string, object> { ["sub"] = subject, [permissionClaim] = permissionClaim is "scope" or "scp" ? string.Join(' ', permissions) : permissions };
        if (name is not null)
        {
            claims["name"] = name;
        }

        var key = new RsaSecurityKey(signedByStranger ? _strangerKey : _key) { KeyId = _keyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
    }

    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _key.Dispose();
        _strangerKey.Dispose();
    }
}
