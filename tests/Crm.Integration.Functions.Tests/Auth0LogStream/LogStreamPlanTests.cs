using Crm.Integration.Functions.Auth0LogStream;

namespace Crm.Integration.Functions.Tests.Auth0LogStream;

public sealed class LogStreamPlanTests
{
    [Fact]
    public void For_MixedTypesAndRepeatedIds_ForwardsEachConfiguredEventOnce()
    {
        var batch = new Auth0LogBatch(
            [Entry("1", "s"), Entry("2", "ss"), Entry("3", "slo"), Entry("1", "s"), Entry("4", "f")],
            [new RejectedLogEntry("sha256-x", null, "bad")]);

        var plan = LogStreamPlan.For(batch, ["s", "ss"]);

        Assert.Equal(["1", "2"], plan.Forward.Select(e => e.LogId));
        Assert.Equal(3, plan.Ignored);
    }

    private static Auth0LogEntry Entry(string id, string type) => new(id, type, "{}"u8.ToArray());
}
