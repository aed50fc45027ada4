using System.Text.Json.Serialization;

namespace Crm.Integration.Connectors.Auth0;

internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

[JsonSerializable(typeof(Auth0User))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class Auth0JsonContext : JsonSerializerContext;
