using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Crm.Integration.Connectors.Auth0;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Auth0LogStream;
using Crm.Integration.Functions.Common;
using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Functions.Tests.Execution;
using Crm.Integration.Functions.Tests.PlatformEvents;
using Crm.Integration.Testing;
using Crm.Integration.Testing.Fakes;
using Crm.Integration.Testing.Fuzzing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Integration.Functions.Tests.Fuzzing;

/// <summary>
/// Issue 14: a fixed-seed corpus of damaged bodies through the webhook's parser and handler and through both queue
/// triggers. Whatever arrives, nothing throws (a throw is abandoned until the delivery limit dead-letters it without a
/// reason: a lost event), every entry is accounted for, and every refusal carries a reason.
/// </summary>
public sealed class FuzzedInputTests
{
    private const int CorpusSize = 240;

    private static readonly Lazy<IReadOnlyList<FuzzedBody>> LogStreamBodies = new(() => FuzzedBodies.Make(
        Auth0Fixtures.LogFileNames.Take(12).SelectMany(name =>
        {
            var envelope = Auth0Fixtures.Envelope(name);
            return new[] { Auth0Fixtures.AsObject(envelope), Auth0Fixtures.AsArray([envelope, envelope]), Auth0Fixtures.AsJsonLines([envelope]) };
        }).ToList(), CorpusSize, seed: 14));

    private static readonly Lazy<IReadOnlyList<FuzzedBody>> QueueBodies = new(() => FuzzedBodies.Make(
        Auth0Fixtures.LogFileNames.Where(n => n.StartsWith("s__", StringComparison.Ordinal) || n.StartsWith("ss__", StringComparison.Ordinal))
            .Select(n => Encoding.UTF8.GetBytes(Auth0Fixtures.Envelope(n).ToJsonString())).ToList(), CorpusSize, seed: 1414));

    private static readonly Lazy<IReadOnlyList<FuzzedBody>> PlatformBodies = new(() => FuzzedBodies.Make(
        [
            Encoding.UTF8.GetBytes(PlatformEventsHarness.CloudEvent("transactional_email", "fuzz-email", PlatformEventsHarness.EmailData())),
            Encoding.UTF8.GetBytes(PlatformEventsHarness.CloudEvent("task_signup", "fuzz-task", JsonNode.Parse(
                """{"id":7,"user_id":"auth0|ada","created":"2026-11-24T09:00:00Z","extra_data":{"project_id":1,"project_name":"P","task_id":2,"task_name":"T","task_type_id":3,"task_type_name":"K"}}""")!)),
            File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, "samples", "platform-events", "transactional-email.json")),
        ], CorpusSize, seed: 141414));

    public static TheoryData<int> Indices() => new(Enumerable.Range(0, CorpusSize));

    [Theory]
    [MemberData(nameof(Indices))]
    public async Task Webhook_FuzzedBody_IsA400OrEveryEntryIsAccountedFor_ForwardedBytesAreText(int index)
    {
        var body = LogStreamBodies.Value[index];
        var queue = new RecordingQueueSender();
        var ledger = new InMemoryLedger();
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var handler = new Auth0LogStreamHandler(
            queue, ledger, new StaticOptions<Auth0LogStreamOptions>(new Auth0LogStreamOptions()),
            new Auth0LogStreamMetrics(metrics.GetRequiredService<IMeterFactory>()), new FakeTimeProvider(), NullLogger<Auth0LogStreamHandler>.Instance);

        if (!Auth0LogBatchParser.TryParse(body.Bytes, out var batch, out var error))
        {
            Assert.False(string.IsNullOrWhiteSpace(error.Message), body.ToString());
            return;
        }

        var receipt = await handler.HandleAsync(batch, CancellationToken.None);

        Assert.Equal(receipt.Received, receipt.Forwarded + receipt.Ignored + receipt.Rejected);
        Assert.Equal(batch.Rejected.Select(r => r.SourceId).Distinct(StringComparer.Ordinal).Count(), ledger.Rows.Count); // a bad entry repeated is one row
        Assert.All(ledger.Rows, row => Assert.InRange(row.LastError?.Length ?? 0, 1, 1000));
        foreach (var message in queue.SentTo(QueueNames.Auth0LogEvents))
        {
            Assert.Null(SourceIds.Problem("log_id", message.MessageId));
            Assert.True(Utf8.IsValid(message.Body.Span), body.ToString());
            using var document = JsonDocument.Parse(message.Body);
            AssertReadableAsText(document.RootElement);
        }
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public async Task Auth0Trigger_FuzzedMessage_IsSettledNeverThrown_AndADeadLetterHasItsReason(int index)
    {
        var body = QueueBodies.Value[index];
        var ledger = new InMemoryLedger();
        var time = new FakeTimeProvider(PlatformEventsHarness.Now);
        await using var batcher = new ContactBatcher(
            new InMemoryHubSpotContacts(), new UnlimitedBudget(), Options.Create(new ContactBatchingOptions { Window = TimeSpan.Zero }), Options.Create(new HubSpotOptions()), TimeProvider.System);
        var auth0 = new InMemoryAuth0Users();
        auth0.Users["auth0|ada"] = new Auth0User("auth0|ada", "ada@example.com", "Ada", "Lovelace", "Ada Lovelace", null);
        var (executor, facts) = new InMemoryExecution(ledger, auth0, new InMemoryLookups(), new InMemoryContactDates(), new InMemoryHubSpotContacts(), batcher, time).Build();
        var handler = new Auth0LogEventHandler(executor, facts, time);
        var trigger = new Auth0EventsTrigger(new UnusedQueueListener(), handler, TestMetrics.Hub(), time, NullLogger<Auth0EventsTrigger>.Instance);

        var settlement = await trigger.HandleMessageAsync(new InboundMessage($"fuzz-{index}", "s", "application/json", body.Bytes, 0), CancellationToken.None);

        AssertSettledWithReason(settlement, body);
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public async Task PlatformTrigger_FuzzedMessage_IsSettledNeverThrown_AndADeadLetterHasItsReason(int index)
    {
        var body = PlatformBodies.Value[index];
        await using var harness = new PlatformEventsHarness();

        var settlement = await harness.Trigger.HandleMessageAsync(
            new InboundMessage($"fuzz-{index}", index % 2 == 0 ? "transactional_email" : null, "application/json", body.Bytes, 0), CancellationToken.None);

        AssertSettledWithReason(settlement, body);
    }

    private static void AssertSettledWithReason(Settlement settlement, FuzzedBody body)
    {
        if (settlement.Kind == SettlementKind.Complete)
        {
            return;
        }

        Assert.False(string.IsNullOrWhiteSpace(settlement.Reason), body.ToString());
        Assert.DoesNotContain("HandlerFailed", settlement.Reason, StringComparison.Ordinal);
        if (settlement.Kind == SettlementKind.DeadLetter)
        {
            Assert.False(string.IsNullOrWhiteSpace(settlement.Description), body.ToString());
            Assert.True(settlement.Description!.Length < 1000, $"{body}: {settlement.Reason} with a description of {settlement.Description.Length} characters: {settlement.Description[..Math.Min(120, settlement.Description.Length)]}");
        }
    }

    /// <summary>Every string in the forwarded JSON reads as text: no lone surrogate escape survived the webhook.</summary>
    private static void AssertReadableAsText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    AssertReadableAsText(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    AssertReadableAsText(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString(); // throws on what is not text
                break;
            default:
                break;
        }
    }

    private sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
