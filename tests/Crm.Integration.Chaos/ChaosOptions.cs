using System.Globalization;

namespace Crm.Integration.Chaos;

/// <summary>The suite's size and choices, from the command line: <c>--quick</c>, <c>--self-check</c>, <c>--only a,b</c>, <c>--output dir</c>.</summary>
internal sealed record ChaosOptions(
    bool Quick,
    bool SelfCheck,
    int Auth0Events,
    int Emails,
    int TaskSignups,
    int Limit,
    TimeSpan StormFor,
    TimeSpan SettleWithin,
    IReadOnlySet<string> Only,
    string Output)
{
    public static ChaosOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick") || args.Contains("--self-check"); // the self-check needs no big workload
        var only = new HashSet<string>(StringComparer.Ordinal);
        var output = "bench-results";
        for (var i = 0; i + 1 < args.Length; i++)
        {
            switch (args[i])
            {
                case "--only": only.UnionWith(args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                case "--output": output = args[i + 1]; break;
            }
        }

        foreach (var arg in args.Where(a => a.StartsWith("--", StringComparison.Ordinal)))
        {
            if (arg is not ("--quick" or "--self-check" or "--only" or "--output"))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Unknown option {arg}; options: --quick, --self-check, --only <scenario,...>, --output <dir>."));
            }
        }

        return quick
            ? new ChaosOptions(true, args.Contains("--self-check"), 240, 20, 20, 30, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(120), only, output)
            : new ChaosOptions(false, args.Contains("--self-check"), 2_000, 150, 150, 100, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(300), only, output);
    }
}
