using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Hosting;

public sealed class HubSpotLaneGuardTests
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ARefusal_StopsTheLaneAtOnce_AsksOncePerRetryInterval_NotMore_AndResumesWhenATokenComes()
    {
        var time = new FakeTimeProvider();
        var tokens = new SwitchableTokens();
        var gate = new ReceiveGate();
        using var guard = new HubSpotLaneGuard(tokens, gate, Options.Create(new HubSpotOptions { ReauthorizationRetryInterval = RetryInterval }), time, NullLogger<HubSpotLaneGuard>.Instance);
        await guard.StartAsync(CancellationToken.None);

        tokens.Refuse("HubSpot refused the OAuth refresh token.");
        await Eventually.TrueAsync(() => Task.FromResult(!gate.IsOpen), Patience, "the lane stopped");
        await Task.Delay(100); // the guard settles into its wait (on the fake clock)
        time.Advance(RetryInterval / 2);
        await Task.Delay(100);
        var triesBeforeTheInterval = tokens.Tries;
        time.Advance(RetryInterval / 2);
        await Eventually.TrueAsync(() => Task.FromResult(tokens.Tries == 1), Patience, "one try after the interval");
        tokens.NextTryIssues = true;
        await Task.Delay(100);
        time.Advance(RetryInterval);
        await Eventually.TrueAsync(() => Task.FromResult(gate.IsOpen), Patience, "the lane resumed");
        await guard.StopAsync(CancellationToken.None);

        Assert.Equal(0, triesBeforeTheInterval);
        Assert.Equal(2, tokens.Tries);
        Assert.Null(gate.ClosedBecause);
    }

    [Fact]
    public async Task NoProblem_TheLaneStaysOpen_AndNothingIsAsked()
    {
        var time = new FakeTimeProvider();
        var tokens = new SwitchableTokens();
        var gate = new ReceiveGate();
        using var guard = new HubSpotLaneGuard(tokens, gate, Options.Create(new HubSpotOptions { ReauthorizationRetryInterval = RetryInterval }), time, NullLogger<HubSpotLaneGuard>.Instance);
        await guard.StartAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromHours(1));
        await Task.Delay(100);
        await guard.StopAsync(CancellationToken.None);

        Assert.True(gate.IsOpen);
        Assert.Equal(0, tokens.Tries);
    }

    /// <summary>A token source whose refusal the test switches on; a try issues a token (and clears it) once told to.</summary>
    private sealed class SwitchableTokens : IHubSpotTokenSource
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile string? _problem;
        private int _tries;

        public int Tries => Volatile.Read(ref _tries);

        public volatile bool NextTryIssues;

        public string? AuthorizationProblem => _problem;

        public Task AuthorizationChanged => Volatile.Read(ref _changed).Task;

        public void Refuse(string problem)
        {
            _problem = problem;
            Changed();
        }

        public ValueTask<string> GetTokenAsync(bool afterRejection, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _tries);
            if (!NextTryIssues)
            {
                throw new HubSpotAuthorizationException(_problem ?? "refused");
            }

            _problem = null;
            Changed();
            return ValueTask.FromResult("token");
        }

        private void Changed() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
