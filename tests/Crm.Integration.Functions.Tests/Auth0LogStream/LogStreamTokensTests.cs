using Crm.Integration.Connectors.Secrets;
using Crm.Integration.Functions.Auth0LogStream;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Auth0LogStream;

/// <summary>Rotating the log-stream token: the new one works at once, the old one for the grace period.</summary>
public sealed class LogStreamTokensTests
{
    private readonly InMemorySecretStore _secrets = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly LogStreamTokens _tokens;

    public LogStreamTokensTests()
    {
        _secrets.Source[SecretNames.Auth0LogStreamToken] = "old-token";
        var options = new Auth0LogStreamOptions { PreviousTokenGracePeriod = TimeSpan.FromHours(1) };
        _tokens = new LogStreamTokens(_secrets, new StaticOptionsMonitor(options), _time);
    }

    [Fact]
    public async Task CurrentToken_IsValid_WithoutReReadingTheVault()
    {
        Assert.Equal(LogStreamAuthentication.Valid, await _tokens.AuthenticateAsync("old-token", CancellationToken.None));
        Assert.Equal(0, _secrets.Refreshes);
    }

    [Fact]
    public async Task AuthSendsTheNewTokenBeforeTheHubReadIt_TheVaultIsReadAgain_AndTheNewTokenIsValid()
    {
        await _tokens.AuthenticateAsync("old-token", CancellationToken.None);
        _secrets.Source[SecretNames.Auth0LogStreamToken] = "new-token";

        Assert.Equal(LogStreamAuthentication.Valid, await _tokens.AuthenticateAsync("new-token", CancellationToken.None));
        Assert.Equal(1, _secrets.Refreshes);
    }

    [Fact]
    public async Task AfterARotation_ThePreviousTokenIsValidForTheGracePeriod_ThenNot()
    {
        await _tokens.AuthenticateAsync("old-token", CancellationToken.None);
        _secrets.Source[SecretNames.Auth0LogStreamToken] = "new-token";
        _secrets.Expire();

        var during = await _tokens.AuthenticateAsync("old-token", CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));
        var after = await _tokens.AuthenticateAsync("old-token", CancellationToken.None);

        Assert.Equal((LogStreamAuthentication.Valid, LogStreamAuthentication.Invalid), (during, after));
        Assert.Equal(LogStreamAuthentication.Valid, await _tokens.AuthenticateAsync("new-token", CancellationToken.None));
    }

    [Theory]
    [InlineData(null, LogStreamAuthentication.Missing)]
    [InlineData("", LogStreamAuthentication.Missing)]
    [InlineData("guess", LogStreamAuthentication.Invalid)]
    public async Task NoOrWrongToken_IsRefused(string? header, LogStreamAuthentication expected)
    {
        Assert.Equal(expected, await _tokens.AuthenticateAsync(header, CancellationToken.None));
    }

    private sealed class StaticOptionsMonitor(Auth0LogStreamOptions value) : IOptionsMonitor<Auth0LogStreamOptions>
    {
        public Auth0LogStreamOptions CurrentValue => value;

        public Auth0LogStreamOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<Auth0LogStreamOptions, string?> listener) => null;
    }
}
