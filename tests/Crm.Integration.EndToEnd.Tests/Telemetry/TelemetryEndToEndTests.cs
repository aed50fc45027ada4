using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amqp;
using Crm.Integration.Connectors.Diagnostics;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Testing;
using OpenTelemetry.Metrics;

namespace Crm.Integration.EndToEnd.Tests.Telemetry;

/// <summary>
/// The hub's traces, metrics and logs as an exporter receives them, from Auth0 deliveries and platform events run
/// through the real broker, Azurite and the HubSpot simulator. Every address and name used here holds "zebulon" or
/// "quixote", so that any of them reaching telemetry is found.
/// </summary>
[Collection(TelemetryHubCollection.Name)]
public sealed class TelemetryEndToEndTests(TelemetryHubFixture hub)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Post_OneLogin_OneTraceFromTheWebhookAcrossTheQueueToTheHubSpotCall()
    {
        var run = LogStreamRequests.RunId();
        var logId = $"{run}-login";

        using var response = await hub.Client.SendAsync(LogStreamRequests.Post(Delivery(Login(logId, $"zebulon-{run}@example.com"))));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var process = await SpanAsync(s => s.DisplayName == "process auth0-log-events" && Tag(s, "messaging.message.id") == logId, "the message's consumer span");
        var trace = hub.Telemetry.Spans.Where(s => s.TraceId == process.TraceId).ToList();
        var webhook = Assert.Single(trace, s => s.Kind == ActivityKind.Server && Tag(s, "url.path") == LogStreamRequests.Route);
        Assert.Equal(default, webhook.ParentSpanId);
        var send = Assert.Single(trace, s => s.Kind == ActivityKind.Producer && s.DisplayName == "send auth0-log-events");
        Assert.True(Descends(send, webhook, trace), "the queue send is under the webhook's span");
        Assert.Equal(send.SpanId, process.ParentSpanId); // across the queue, from the message's traceparent
        var handling = Assert.Single(trace, s => s.DisplayName == "handle auth0 event" && s.ParentSpanId == process.SpanId);
        Assert.Equal(("s", logId, "Success"), (Tag(handling, "crm.event.type"), Tag(handling, "crm.event.id"), Tag(handling, "crm.outcome")));
        var batch = Assert.Single(trace, s => s.DisplayName == "hubspot contacts batch upsert");
        Assert.Contains(batch.Links, link => link.Context.SpanId == handling.SpanId);
        Assert.True(Descends(batch, handling, trace), "the batch call is in the message's trace");
        var call = Assert.Single(trace, s => s.Kind == ActivityKind.Client && Tag(s, "url.full")?.Contains("contacts/batch/upsert", StringComparison.Ordinal) == true);
        Assert.True(Descends(call, batch, trace), "the HTTP call to HubSpot is under the batch span");
        Assert.Equal(200, call.GetTagItem("http.response.status_code"));
        // The Azure SDKs' own spans (Azure.Experimental.EnableActivitySource): the ledger's writes, under the handling.
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Azure.Data.Tables", StringComparison.Ordinal) && Descends(s, handling, trace));
        // Log lines carry the ids too: the webhook's, and the queue trigger's on the other side of the queue.
        Assert.Contains(hub.Telemetry.Logs, log => log.StartsWith($"trace={webhook.TraceId} span={webhook.SpanId}", StringComparison.Ordinal));
        var consumerSide = trace.Where(s => Descends(s, process, trace)).Select(s => $"trace={s.TraceId} span={s.SpanId} ").ToList();
        Assert.Contains(hub.Telemetry.Logs, log => consumerSide.Any(ids => log.StartsWith(ids, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Post_DeliveryWithARejectADuplicateAndAContactWithoutEmail_CountersMoveByExactlyThat()
    {
        var run = LogStreamRequests.RunId();
        var before = hub.Telemetry.CollectMetrics(hub.Factory.Services);
        var login = Login($"{run}-login", $"zebulon-{run}@example.com");
        var noEmail = Login($"{run}-no-email", userName: "zebulon-without-address");
        var broken = new JsonObject { ["data"] = new JsonObject { ["type"] = "s" } }; // no log_id: rejected at the webhook
        var delivery = Delivery(login, login.DeepClone(), noEmail, broken);

        using (var first = await hub.Client.SendAsync(LogStreamRequests.Post(delivery)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await Eventually.TrueAsync(async () => (await hub.Ledger.FindAsync($"{run}-login", "auth0", CancellationToken.None))?.Status == NotificationStatus.Delivered
            && (await hub.Ledger.FindAsync($"{run}-no-email", "auth0", CancellationToken.None))?.Status == NotificationStatus.Rejected, Patience, "both events settled");
        using (var again = await hub.Client.SendAsync(LogStreamRequests.Post(delivery))) // Auth0 sends the delivery again
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await Eventually.TrueAsync(async () => (await hub.Ledger.FindAsync($"{run}-login", "auth0", CancellationToken.None))?.DuplicatesSeen == 1
            && (await hub.Ledger.FindAsync($"{run}-no-email", "auth0", CancellationToken.None))?.DuplicatesSeen == 1, Patience, "both repeats counted");
        await Eventually.TrueAsync(() => Task.FromResult(Sum(hub.Telemetry.CollectMetrics(hub.Factory.Services), HubMetrics.Outcomes, ("kind", "Duplicate"))
            - Sum(before, HubMetrics.Outcomes, ("kind", "Duplicate")) >= 2), Patience, "the duplicates counted");
        var after = hub.Telemetry.CollectMetrics(hub.Factory.Services);

        long Moved(string name, params (string Key, object Value)[] tags) => Sum(after, name, tags) - Sum(before, name, tags);
        const string Entries = "crm.auth0.log_stream.entries";
        // Two deliveries: each forwards the login and the address-less login, ignores the repeated log_id, rejects the broken entry.
        Assert.Equal(4, Moved(Entries, ("outcome", "forwarded"), ("type", "s")));
        Assert.Equal(2, Moved(Entries, ("outcome", "ignored"), ("type", "s")));
        Assert.Equal(2, Moved(Entries, ("outcome", "rejected"), ("type", "s")));
        Assert.Equal(1, Moved(HubMetrics.Outcomes, ("channel", "auth0"), ("type", "s"), ("kind", "Success")));
        Assert.Equal(1, Moved(HubMetrics.Outcomes, ("channel", "auth0"), ("type", "s"), ("kind", "Permanent"), ("reason", "NoEmail")));
        Assert.Equal(2, Moved(HubMetrics.Outcomes, ("channel", "auth0"), ("type", "s"), ("kind", "Duplicate")));
        Assert.Equal(1, Moved(HubMetrics.DeadLetters, ("queue", "auth0-log-events"), ("reason", "NoEmail")));
        Assert.Equal(1, Moved(HubMetrics.DeliveryLatency, ("channel", "auth0"), ("type", "s")));
        Assert.Equal(4, Moved(HubMetrics.QueueTime, ("queue", "auth0-log-events")));
        Assert.Equal(1, Moved(HubMetrics.HubSpotBatchSize));
        Assert.Equal(1, Moved(HubMetrics.HubSpotCalls, ("endpoint", "contacts.batch_upsert"), ("status", 200)));
        Assert.True(Last(after, HubMetrics.HubSpotBudgetLimit) > 0, "the budget's limit is observed");
    }

    [Fact]
    public async Task SignupLoginAndEmail_WithBaggageFromTheCaller_NoAddressOrNameInAnySpanMetricOrLog()
    {
        var run = LogStreamRequests.RunId();
        var email = $"zebulon.quixote-{run}@example.com";
        var signup = Login($"{run}-signup", email);
        signup["data"]!["type"] = "ss";
        signup["data"]!["details"] = new JsonObject { ["body"] = new JsonObject { ["email"] = email, ["given_name"] = "Zebulon", ["family_name"] = "Quixote" } };
        using var post = LogStreamRequests.Post(Delivery(signup, Login($"{run}-login", email)));
        post.Headers.Add("baggage", $"user={Uri.EscapeDataString(email)},name=Zebulon");

        using (var response = await hub.Client.SendAsync(post))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var template = $"otel-{run}";
        await hub.Templates.PutAsync(new EmailTemplate(template, 4242, "Platform <hello@platform.example>", [], [], [], [new TemplateProperty("firstname", Required: false)], []));
        await hub.Raw.SendAsync("platform-events", CloudEvent($"{run}-email", new JsonObject
        {
            ["template_name"] = template,
            ["to_recipient_email"] = email,
            ["contact_properties"] = new JsonObject { ["firstname"] = "Zebulon" },
            ["custom_properties"] = new JsonObject(),
        }));

        await SpanAsync(s => s.DisplayName == "hubspot email send-status" && Tag(s, "hubspot.send_result") is not null, "the email's final send status");
        await Eventually.TrueAsync(async () => (await hub.Ledger.FindAsync($"{run}-login", "auth0", CancellationToken.None))?.Status == NotificationStatus.Delivered,
            Patience, "the login delivered");
        Assert.Single(hub.HubSpot.Portal.Emails, e => e.To == email);
        var metrics = hub.Telemetry.CollectMetrics(hub.Factory.Services);
        Assert.True(Sum(metrics, HubMetrics.EmailSendResults, ("send_result", "SENT")) >= 1, "the email's final sendResult counted");
        Assert.True(Sum(metrics, HubMetrics.HubSpotCalls, ("endpoint", "emails.single_send"), ("status", 200)) >= 1, "the send call counted");

        var spans = hub.Telemetry.Spans;
        Assert.Contains(spans, s => s.DisplayName == "hubspot email send");
        Assert.All(spans, span =>
        {
            Assert.Empty(span.Baggage);
            AssertNoPersonalData($"span {span.DisplayName}", SpanText(span));
        });
        foreach (var metric in hub.Telemetry.CollectMetrics(hub.Factory.Services))
        {
            foreach (var point in metric.MetricPoints)
            {
                AssertNoPersonalData($"metric {metric.Name}", string.Join(' ', TagsOf(point).Select(t => $"{t.Key}={t.Value}")));
            }
        }

        Assert.NotEmpty(hub.Telemetry.Logs);
        Assert.All(hub.Telemetry.Logs, log => AssertNoPersonalData("log", log));
        // No request scope on any line: a route's path can name a person (DELETE /api/admin/people/{email}), and
        // ASP.NET Core would put it on every line logged during the request (host.json turns that scope off).
        Assert.DoesNotContain(hub.Telemetry.Logs, log => log.Contains("scope:RequestPath=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_AfterALogin_ThePrometheusEndpointServesTheDocumentedNames()
    {
        var run = LogStreamRequests.RunId();
        using (var response = await hub.Client.SendAsync(LogStreamRequests.Post(Delivery(Login($"{run}-login", $"zebulon-{run}@example.com")))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.TrueAsync(async () => (await hub.Ledger.FindAsync($"{run}-login", "auth0", CancellationToken.None))?.Status == NotificationStatus.Delivered,
            Patience, "the login delivered");
        var scrape = await hub.Client.GetStringAsync("/metrics");

        // The README's names, as Prometheus sees them: the scrape endpoint is what run.sh shows.
        foreach (var series in new[]
        {
            "crm_auth0_log_stream_entries_total{", "crm_events_outcomes_total{", "crm_events_delivery_latency_seconds_bucket{",
            "crm_queue_time_on_queue_seconds_bucket{", "crm_hubspot_calls_total{", "crm_hubspot_batch_size_bucket{",
            "crm_hubspot_budget_in_use{", "crm_hubspot_budget_limit{",
        })
        {
            Assert.Contains(series, scrape, StringComparison.Ordinal);
        }

        AssertNoPersonalData("the scrape", scrape);
    }

    private static void AssertNoPersonalData(string where, string text)
    {
        foreach (var marker in new[] { "zebulon", "quixote" })
        {
            Assert.False(text.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{where} holds '{marker}': {text}");
        }
    }

    private static string SpanText(Activity span) => string.Join(' ',
        new[] { span.DisplayName, span.OperationName, span.StatusDescription ?? "", span.TraceStateString ?? "" }
            .Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}").Prepend(e.Name)))
            .Concat(span.Links.SelectMany(l => (l.Tags ?? []).Select(t => $"{t.Key}={t.Value}"))));

    private async Task<Activity> SpanAsync(Func<Activity, bool> match, string what) =>
        await Eventually.GetAsync(() => Task.FromResult(hub.Telemetry.Spans.FirstOrDefault(match)), Patience, what);

    private static string? Tag(Activity span, string name) => span.GetTagItem(name)?.ToString();

    private static bool Descends(Activity span, Activity ancestor, IReadOnlyCollection<Activity> trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var current = span; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A counter's sum, or a histogram's count, over the points carrying every given tag.</summary>
    private static long Sum(IReadOnlyList<MetricSnapshot> metrics, string name, params (string Key, object Value)[] tags) =>
        metrics.Where(m => m.Name == name).SelectMany(m => m.MetricPoints.Select(p => (m.MetricType, Point: p)))
            .Where(x => tags.All(t => TagsOf(x.Point).Any(pt => pt.Key == t.Key && Equals(pt.Value?.ToString(), t.Value.ToString()))))
            .Sum(x => x.MetricType.IsHistogram() ? x.Point.GetHistogramCount() : x.Point.GetSumLong());

    private static long Last(IReadOnlyList<MetricSnapshot> metrics, string name) =>
        metrics.Where(m => m.Name == name).SelectMany(m => m.MetricPoints).Select(p => p.GetGaugeLastValueLong()).DefaultIfEmpty(0).Max();

    private static List<KeyValuePair<string, object?>> TagsOf(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    private static JsonObject Login(string logId, string? email = null, string? userName = null) => new()
    {
        ["log_id"] = logId,
        ["data"] = new JsonObject
        {
            ["date"] = TimeProvider.System.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["type"] = "s",
            ["user_id"] = $"auth0|{logId}",
            ["user_name"] = email ?? userName,
        },
    };

    private static byte[] Delivery(params JsonNode[] entries) => Encoding.UTF8.GetBytes(new JsonArray(entries).ToJsonString());

    private static Message CloudEvent(string id, JsonObject data) => RawAmqp.JsonMessage(id, null, Encoding.UTF8.GetBytes(new JsonObject
    {
        ["specversion"] = "1.0",
        ["type"] = "transactional_email",
        ["source"] = "/e2e",
        ["id"] = id,
        ["time"] = TimeProvider.System.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["data"] = data,
    }.ToJsonString()));
}
