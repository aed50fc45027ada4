using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Integration.Testing;

namespace Crm.Integration.Benchmark;

/// <summary>The report: JSON with every figure, Markdown with the targets, and a chart of calls per second against the limit.</summary>
internal static class Report
{
    public static string Write(JsonObject report, BenchmarkSettings settings)
    {
        var folder = Path.Combine(RepositoryPaths.Root, settings.Output, TimeProvider.System.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var perSecond = report["perSecond"]!.AsArray();
        report.Remove("perSecond");
        if (report["replicaRows"] is JsonArray replicaRows)
        {
            File.WriteAllLines(Path.Combine(folder, "replica-budget.tsv"), replicaRows.Select(row => (string)row!));
            report.Remove("replicaRows");
        }

        report["targets"] = Targets(report);
        File.WriteAllText(Path.Combine(folder, "report.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var markdown = Markdown(report);
        File.WriteAllText(Path.Combine(folder, "report.md"), markdown);
        Console.WriteLine(markdown);
        Chart(folder, perSecond, settings.Limit);
        return folder;
    }

    private static JsonArray Targets(JsonObject r)
    {
        double N(string section, string field) => Number(r[section]![field]!);
        // The webhook's latency at the target rate (open loop, beside the drain); without that phase, at full speed.
        var paced = N("webhookAtRate", "batches") > 0;
        var webhookP99 = paced ? N("webhookAtRate", "batchP99Ms") : N("ingest", "batchP99Ms");
        var webhookAt = paced ? $"at {N("webhookAtRate", "eventsPerSecond")} events/s beside the drain" : "at full speed";
        return
        [
            Target("budget utilisation during the drain", N("drain", "budgetUtilisation"), ">= 0.95", N("drain", "budgetUtilisation") >= 0.95),
            Target("429s as a share of calls", N("drain", "throttledShare"), "<= 0.005", N("drain", "throttledShare") <= 0.005),
            Target("contact writes per second vs ceiling", N("drain", "contactWritesPerSecond") / N("drain", "ceilingContactWritesPerSecond"), ">= 0.95",
                N("drain", "contactWritesPerSecond") / N("drain", "ceilingContactWritesPerSecond") >= 0.95),
            Target("storage requests per Auth0 event over the drain", N("drain", "storageRequestsPerEvent"), "<= 1.0", N("drain", "storageRequestsPerEvent") <= 1.0),
            Target("ingest, events per second", N("ingest", "eventsPerSecond"), ">= 10000", N("ingest", "eventsPerSecond") >= 10_000), // issue 15 (issue 6 asked 5,000)
            Target($"webhook p99 for a 100-event batch {webhookAt}, ms", webhookP99, "<= 50", webhookP99 <= 50),
            Target("p99 webhook-to-HubSpot without a backlog, ms", N("latency", "p99Ms"), "<= 1000", N("latency", "p99Ms") <= 1000),
            Target("hub peak RSS with the backlog, MB", N("cost", "peakRssMb"), "<= 300", N("cost", "peakRssMb") <= 300),
            Target("no event lost, no email twice", N("correctness", "contactsMissingOrWrong") + N("correctness", "emailsSentTwice"), "== 0",
                N("correctness", "contactsMissingOrWrong") + N("correctness", "emailsSentTwice") == 0),
        ];
    }

    /// <summary>Any JSON number as a double (the report holds ints, longs and doubles).</summary>
    public static double Number(JsonNode node) => double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);

    private static JsonObject Target(string what, double measured, string target, bool met) =>
        new() { ["what"] = what, ["measured"] = Math.Round(measured, 3), ["target"] = target, ["met"] = met };

    private static string Markdown(JsonObject r)
    {
        var text = new StringBuilder();
        text.AppendLine("# Benchmark report").AppendLine();
        text.AppendLine("| target | measured | wanted | met |").AppendLine("|---|---|---|---|");
        foreach (var t in r["targets"]!.AsArray())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {t!["what"]} | {t["measured"]} | {t["target"]} | {((bool)t["met"]! ? "yes" : "**no**")} |");
        }

        foreach (var section in new[] { "ingest", "webhookAtRate", "drain", "storageCeiling", "latency", "cost", "correctness", "baseline", "settings" })
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## {section}").AppendLine().AppendLine("| figure | value |").AppendLine("|---|---|");
            foreach (var (name, value) in r[section]!.AsObject())
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Budget calls per second and in the trailing ten seconds against the limit, 429s, and the exempt single-sends on
    /// an axis of their own; drawn by gnuplot when it is installed (scripts/bench.sh installs it).
    /// </summary>
    private static void Chart(string folder, JsonArray perSecond, int limit)
    {
        var first = perSecond.Count == 0 ? 0 : Number(perSecond[0]!["unixSecond"]!);
        var budgetBySecond = perSecond.ToDictionary(s => Number(s!["unixSecond"]!) - first, s => Number(s!["budget"]!));
        var mostExemptInASecond = perSecond.Select(s => Number(s!["exempt"]!)).DefaultIfEmpty().Max();
        var data = Path.Combine(folder, "calls-per-second.tsv");
        File.WriteAllLines(data, perSecond.Select(s =>
        {
            var second = Number(s!["unixSecond"]!) - first;
            var trailing = Enumerable.Range(0, 10).Sum(back => budgetBySecond.GetValueOrDefault(second - back));
            return string.Create(CultureInfo.InvariantCulture, $"{second}\t{Number(s["budget"]!)}\t{trailing}\t{Number(s["throttled"]!)}\t{Number(s["exempt"]!)}\t{Number(s["upserts"]!)}\t{Number(s["upsertRows"]!)}");
        }).Prepend("# second\tbudget calls\tbudget calls in the trailing 10 s\t429s\tsingle-sends (exempt)\tcontact upserts\tcontact rows they wrote"));
        var script = string.Create(CultureInfo.InvariantCulture, $"""
            set terminal png size 1000,400
            set output '{Path.Combine(folder, "calls-per-second.png")}'
            set title 'HubSpot calls during the drain (limit {limit} per 10 s)'
            set xlabel 'seconds since the first call'
            set ylabel 'budget calls'
            set y2label 'single-sends / s (exempt)'
            set yrange [0:*]
            set xrange [-0.5:*]
            set y2range [0:{Math.Max(1, mostExemptInASecond) * 1.3}]
            set offsets 0, 0, graph 0.3, 0
            set ytics nomirror
            set y2tics
            set key top left horizontal
            plot '{data}' using 1:3 with lines lw 2 title 'in the trailing 10 s', {limit} with lines lw 2 dt 2 title 'limit per 10 s', '{data}' using 1:2 with impulses title 'per second', '{data}' using 1:4 with impulses lw 3 title '429s', '{data}' using 1:5 axes x1y2 with points pt 7 ps 0.8 title 'single-sends / s'
            """);
        try
        {
            var start = new ProcessStartInfo("gnuplot") { RedirectStandardInput = true, RedirectStandardError = true };
            using var gnuplot = Process.Start(start)!;
            gnuplot.StandardInput.Write(script);
            gnuplot.StandardInput.Close();
            gnuplot.WaitForExit(30_000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("[bench] gnuplot not found: no chart (the data is in calls-per-second.tsv)");
        }
    }
}
