using Crm.Integration.Functions.Auth0LogStream;

namespace Crm.Integration.Functions.Tests.Auth0LogStream;

public sealed class LogStreamAuthenticatorTests
{
    private const string Token = "s3cr3t-token-value";

    [Theory]
    [InlineData(null, LogStreamAuthentication.Missing)]
    [InlineData("", LogStreamAuthentication.Missing)]
    [InlineData(Token, LogStreamAuthentication.Valid)]
    [InlineData("wrong-token-value!", LogStreamAuthentication.Invalid)]
    [InlineData("s3cr3t-token-valu", LogStreamAuthentication.Invalid)]
    [InlineData("s3cr3t-token-value-and-more", LogStreamAuthentication.Invalid)]
    [InlineData("S3CR3T-TOKEN-VALUE", LogStreamAuthentication.Invalid)]
    [InlineData("Bearer " + Token, LogStreamAuthentication.Invalid)]
    [InlineData(Token + " ", LogStreamAuthentication.Invalid)]
    public void Authenticate_HeaderAgainstOneToken(string? header, LogStreamAuthentication expected)
    {
        Assert.Equal(expected, LogStreamAuthenticator.Authenticate(header, [Token]));
    }

    [Theory]
    [InlineData("previous-token", LogStreamAuthentication.Valid)]
    [InlineData("current-token", LogStreamAuthentication.Valid)]
    [InlineData("another-token", LogStreamAuthentication.Invalid)]
    public void Authenticate_DuringRotation_AcceptsEachConfiguredToken(string header, LogStreamAuthentication expected)
    {
        Assert.Equal(expected, LogStreamAuthenticator.Authenticate(header, ["previous-token", "current-token"]));
    }

    [Theory]
    [InlineData("anything")]
    [InlineData("")]
    public void Authenticate_NoTokenConfigured_NeverValid(string header)
    {
        Assert.NotEqual(LogStreamAuthentication.Valid, LogStreamAuthenticator.Authenticate(header, [null, ""]));
    }
}
