using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Common;

public sealed class FailurePolicyTests
{
    public static TheoryData<HandlerOutcome, Settlement> Table() => new()
    {
        { HandlerOutcome.Success, Settlement.Complete },
        { HandlerOutcome.Duplicate, Settlement.Complete },
        { Reasons.HubSpotUnavailable.Because("429"), Settlement.Abandon("HubSpotUnavailable") },
        { Reasons.UnknownTemplate.Because("No template 'x'."), Settlement.DeadLetter("UnknownTemplate", "No template 'x'.") },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void ToSettlement_FollowsTheTable(HandlerOutcome outcome, Settlement expected)
    {
        Assert.Equal(expected, FailurePolicy.ToSettlement(outcome));
    }

    [Fact]
    public async Task ToSettlementAsync_RetryLater_HoldsTheMessageForTheDelay_ThenAbandons()
    {
        var time = new FakeTimeProvider();
        var outcome = Reasons.ContactNotFoundYet.Because("not yet") with { RetryAfter = TimeSpan.FromSeconds(20) };

        var settling = FailurePolicy.ToSettlementAsync(outcome, time, CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.False(settling.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(Settlement.Abandon("ContactNotFound"), await settling);
    }
}
