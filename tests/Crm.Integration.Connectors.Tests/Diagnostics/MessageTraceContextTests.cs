using System.Diagnostics;
using Crm.Integration.Connectors.Diagnostics;

namespace Crm.Integration.Connectors.Tests.Diagnostics;

public sealed class MessageTraceContextTests
{
    [Fact]
    public void Extract_OnlyDiagnosticId_AsTheServiceBusSdkWritesIt_GivesTheSendersContext()
    {
        const string id = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

        var context = MessageTraceContext.Extract(name => name == MessageTraceContext.DiagnosticId ? id : null);

        Assert.Equal(("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", true), (context.TraceId.ToHexString(), context.SpanId.ToHexString(), context.IsRemote));
    }

    [Fact]
    public void Extract_TraceparentAndAnotherDiagnosticId_TraceparentWins()
    {
        var properties = new Dictionary<string, string>
        {
            [MessageTraceContext.TraceParent] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            [MessageTraceContext.DiagnosticId] = "00-11111111111111111111111111111111-2222222222222222-01",
        };

        var context = MessageTraceContext.Extract(properties.GetValueOrDefault);

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", context.TraceId.ToHexString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a traceparent")]
    [InlineData("|legacy.hierarchical.id.")]
    public void Extract_NothingReadable_GivesNoContext(string? value) =>
        Assert.Equal(default, MessageTraceContext.Extract(_ => value));

    [Fact]
    public void PropertiesOf_AW3CActivity_CarriesItsIdTwiceAndItsTraceState()
    {
        using var activity = new Activity("send").SetIdFormat(ActivityIdFormat.W3C).Start();
        activity.TraceStateString = "vendor=1";

        var properties = MessageTraceContext.PropertiesOf(activity).ToDictionary();

        Assert.Equal(activity.Id, properties[MessageTraceContext.TraceParent]);
        Assert.Equal(activity.Id, properties[MessageTraceContext.DiagnosticId]);
        Assert.Equal("vendor=1", properties[MessageTraceContext.TraceState]);
        Assert.Empty(MessageTraceContext.PropertiesOf(null));
    }

    [Theory]
    [InlineData("s", "s")]
    [InlineData("TEN_SECONDLY_ROLLING", "TEN_SECONDLY_ROLLING")]
    [InlineData("HandlerFailed: InvalidOperationException", "HandlerFailed: InvalidOperationException")]
    [InlineData("ada@example.com", "other")]
    [InlineData("", "other")]
    [InlineData("line\nbreak", "other")]
    public void Bounded_TagValuesFromOutside_OnlyCodesPass(string value, string expected) =>
        Assert.Equal(expected, HubMetrics.Bounded(value));
}
