using System.Text;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.PlatformEvents;

namespace Crm.Integration.Functions.Tests.PlatformEvents;

public sealed class PlatformEventReaderTests
{
    [Fact]
    public void StructuredCloudEvent_GivesTypeIdSourceTimeAndData()
    {
        var (read, _) = Read("""{"specversion":"1.0","type":"task_signup","source":"/tasks","id":"e-1","time":"2026-11-24T09:00:00+01:00","data":{"id":"ut-1"}}""");

        Assert.NotNull(read);
        Assert.Equal(("task_signup", "e-1", "/tasks", EventEnvelope.CloudEvent), (read.Type, read.Id, read.Source, read.Envelope));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero), read.Time);
        Assert.Equal("ut-1", read.Data.GetProperty("id").GetString());
    }

    [Fact]
    public void BinaryMode_TakesTypeFromSubject_IdFromMessageId_AndTheBodyAsData()
    {
        var (read, _) = Read("""{"template_name":"welcome"}""", subject: "transactional_email", messageId: "m-1");

        Assert.NotNull(read);
        Assert.Equal(("transactional_email", "m-1", EventEnvelope.Binary), (read.Type, read.Id, read.Envelope));
        Assert.Equal("welcome", read.Data.GetProperty("template_name").GetString());
    }

    [Fact]
    public void EventBridgeEnvelope_OfThePredecessor_IsAccepted()
    {
        var (read, _) = Read("""{"version":"0","detail-type":"task_signup","source":"platform.tasks","id":"eb-1","time":"2026-11-24T09:00:00Z","detail":{"id":"ut-1"}}""");

        Assert.NotNull(read);
        Assert.Equal(("task_signup", "eb-1", "platform.tasks", EventEnvelope.EventBridge), (read.Type, read.Id, read.Source, read.Envelope));
        Assert.Equal("ut-1", read.Data.GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("{not json", null, null, "MalformedEvent", "not JSON")]
    [InlineData("""{"specversion":"1.0","type":"order_shipped","id":"e-1","data":{}}""", null, null, "UnknownEventType", "'order_shipped'")]
    [InlineData("""{"detail-type":"order_shipped","id":"e-1","detail":{}}""", null, null, "UnknownEventType", "'order_shipped'")]
    [InlineData("""{"a":1}""", "order_shipped", "m-1", "UnknownEventType", "message subject")]
    [InlineData("""{"specversion":"1.0","type":"task_signup","data":{}}""", null, null, "MissingEventId", "no id")]
    [InlineData("""{"detail-type":"task_signup","detail":{}}""", null, null, "MissingEventId", "no id")]
    [InlineData("""{"a":1}""", "task_signup", null, "MissingEventId", "message-id")]
    [InlineData("""{"a":1}""", null, "m-1", "MissingEventType", "no subject")]
    [InlineData("""{"specversion":"1.0","type":"task_signup","id":"e-1"}""", null, null, "MalformedEvent", "missing")]
    [InlineData("""{"specversion":"1.0","type":"task_signup","id":"e-1","data":"text"}""", null, null, "MalformedEvent", "String")]
    [InlineData("""{"specversion":"1.0","type":"task_signup","id":"e-1","time":"yesterday","data":{}}""", null, null, "MalformedEvent", "'yesterday'")]
    [InlineData("""{"specversion":"0.3","type":"task_signup","id":"e-1","data":{}}""", null, null, "UnsupportedEnvelope", "0.3")]
    [InlineData("[1,2]", "task_signup", "m-1", "MalformedEvent", "Array")]
    public void Unreadable_IsAPermanentRejection_NamingTheProblem(string body, string? subject, string? messageId, string reason, string said)
    {
        var (read, rejection) = Read(body, subject, messageId);

        Assert.Null(read);
        Assert.Equal((OutcomeKind.Permanent, reason), (rejection.Kind, rejection.Reason));
        Assert.Contains(said, rejection.Description, StringComparison.Ordinal);
    }

    private static (PlatformEvent? Event, HandlerOutcome Rejection) Read(string body, string? subject = null, string? messageId = null) =>
        PlatformEventReader.Read(new InboundMessage(messageId, subject, "application/json", Encoding.UTF8.GetBytes(body), 0));
}
