using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;

namespace Crm.Integration.Functions.Tests.Common;

public sealed class FailurePolicyTests
{
    public static TheoryData<HandlerOutcome, Settlement> Table() => new()
    {
        { HandlerOutcome.Success, Settlement.Complete },
        { HandlerOutcome.Duplicate, Settlement.Complete },
        { HandlerOutcome.Transient("Throttled", "429"), Settlement.Abandon("Throttled") },
        { HandlerOutcome.Permanent("UnknownTemplate", "No template 'x'."), Settlement.DeadLetter("UnknownTemplate", "No template 'x'.") },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void ToSettlement_FollowsTheTable(HandlerOutcome outcome, Settlement expected)
    {
        Assert.Equal(expected, FailurePolicy.ToSettlement(outcome));
    }
}
