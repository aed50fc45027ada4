using System.Security.Cryptography;
using System.Text;

namespace Crm.Integration.Functions.Auth0LogStream;

public enum LogStreamAuthentication
{
    Missing,
    Invalid,
    Valid,
}

/// <summary>
/// Auth0 sends the configured token verbatim as the <c>Authorization</c> header. Both sides are hashed before the
/// fixed-time comparison, so that neither the content nor the length of the token leaks through timing, and every
/// accepted token is compared, so that the answer takes as long whichever matched.
/// </summary>
public static class LogStreamAuthenticator
{
    public static LogStreamAuthentication Authenticate(string? authorizationHeader, IEnumerable<string?> acceptedTokens)
    {
        ArgumentNullException.ThrowIfNull(acceptedTokens);
        if (string.IsNullOrEmpty(authorizationHeader))
        {
            return LogStreamAuthentication.Missing;
        }

        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader), presented);

        var matched = false;
        foreach (var token in acceptedTokens)
        {
            if (string.IsNullOrEmpty(token))
            {
                continue;
            }

            SHA256.HashData(Encoding.UTF8.GetBytes(token), expected);
            matched |= CryptographicOperations.FixedTimeEquals(presented, expected);
        }

        return matched ? LogStreamAuthentication.Valid : LogStreamAuthentication.Invalid;
    }
}
