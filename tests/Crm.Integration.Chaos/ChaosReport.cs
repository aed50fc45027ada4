using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Crm.Integration.Chaos;

/// <summary>The table, one row per scenario, as Markdown (printed too) and JSON with the details behind each figure.</summary>
internal static class ChaosReport
{
    public static void Write(string folder, ChaosOptions options, IReadOnlyList<ScenarioResult> results)
    {
        File.WriteAllText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(new { options, scenarios = results }, new JsonSerializerOptions { WriteIndented = true }));
        var text = new StringBuilder();
        text.AppendLine("# Chaos report").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"{(options.Quick ? "Quick" : "Full")} workload per scenario: {options.Auth0Events} Auth0 events, {options.Emails} emails, {options.TaskSignups} task signups; HubSpot limit {options.Limit} / 10 s. Target: 0 lost, 0 duplicate emails, 0 stuck.").AppendLine();
        text.AppendLine("| scenario | events sent | contacts correct | lost | duplicate emails | stuck | dead-letters | rejected (reasons) | bad rejected | s to recover |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.EventsSent} | {r.ContactsCorrect}/{r.ContactsExpected} | {Mark(r.Lost)} | {Mark(r.DuplicateEmails)} | {Mark(r.Stuck)} | {r.DeadLetters} | {r.LedgerRejected}{(r.Reasons.Length > 0 ? $" ({r.Reasons})" : "")} | {(r.BadSent == 0 ? "—" : $"{r.BadRejected}/{r.BadSent}")} | {r.SecondsToRecover?.ToString("F1", CultureInfo.InvariantCulture) ?? "**never**"} |");
        }

        text.AppendLine().AppendLine("## Faults").AppendLine();
        foreach (var r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{r.Scenario}**: {r.Fault}");
        }

        foreach (var r in results.Where(r => r.Lost + r.DuplicateEmails + r.Stuck > 0 || r.BadRejected < r.BadSent || r.Answers.Count > 0))
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## {r.Scenario}").AppendLine();
            Section(text, "lost (first 5)", r.LostExamples);
            Section(text, "stuck rows (first 5)", r.StuckExamples);
            Section(text, "webhook answers to the bad inputs", r.Answers);
            Section(text, "hub log: warnings and failures by kind", r.HubLog);
        }

        File.WriteAllText(Path.Combine(folder, "report.md"), text.ToString());
        Console.WriteLine(text.ToString());
    }

    private static string Mark(int n) => n == 0 ? "0" : $"**{n}**";

    private static void Section(StringBuilder text, string title, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{title}:").AppendLine();
        foreach (var line in lines)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- `{line.Replace('`', '\'')}`");
        }

        text.AppendLine();
    }
}
