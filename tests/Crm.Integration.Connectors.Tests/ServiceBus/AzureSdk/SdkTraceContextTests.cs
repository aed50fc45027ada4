using System.Collections.Concurrent;
using System.Diagnostics;
using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Crm.Integration.Testing.ServiceBusDouble;

namespace Crm.Integration.Connectors.Tests.ServiceBus.AzureSdk;

/// <summary>Trace context across a queue on the Azure transport: what Microsoft's client puts on the wire and reads back.</summary>
public sealed class SdkTraceContextTests : IAsyncLifetime, IDisposable
{
    private const string Queue = "traced";
    private static readonly ActivitySource Caller = new("Crm.Integration.Tests.Caller");
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
    private ServiceBusDouble _serviceBus = null!;
    private DoubleQueue _queue = null!;

    public SdkTraceContextTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith(HubTelemetry.SourcePrefix, StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public Task InitializeAsync()
    {
        _serviceBus = ServiceBusDouble.Start(lockDuration: TimeSpan.FromSeconds(5), maxDeliveryCount: 3);
        _queue = _serviceBus.AddEntity(Queue);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _serviceBus.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task SendAsync_UnderASpan_MessageCarriesTraceparentAndDiagnosticId_TheListenerContinuesTheTrace()
    {
        await using var connector = new SdkConnector(_serviceBus, [Queue]);
        ActivityTraceId caller;
        using (var span = Caller.StartActivity("caller"))
        {
            caller = span!.TraceId;
            await connector.Sender.SendAsync(Queue, [new OutboundMessage("traced-1", "user-login", "{}"u8.ToArray())], CancellationToken.None);
        }

        var handled = new TaskCompletionSource<ActivityContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var run = new ListenerRun(connector.Listener, Queue, _ =>
        {
            handled.TrySetResult(Activity.Current?.Context ?? default);
            return Task.FromResult(Settlement.Complete);
        });

        var inHandler = await handled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var send = Assert.Single(_spans, s => s.DisplayName == $"send {Queue}" && s.TraceId == caller);
        var properties = Assert.Single(_queue.Arrived).Sent.ApplicationProperties;
        Assert.Equal(send.Id, properties[MessageTraceContext.TraceParent] as string);
        Assert.Equal(send.Id, properties[MessageTraceContext.DiagnosticId] as string);
        Assert.Equal(caller, inHandler.TraceId);
        await Eventually.TrueAsync(() => Task.FromResult(_spans.Any(s => s.DisplayName == $"process {Queue}" && s.TraceId == caller)), TimeSpan.FromSeconds(10), "the consumer span");
        var process = _spans.Single(s => s.DisplayName == $"process {Queue}" && s.TraceId == caller);
        Assert.Equal((send.SpanId, inHandler.SpanId), (process.ParentSpanId, process.SpanId));
        Assert.Equal("Complete", process.GetTagItem("crm.settlement"));
    }
}
