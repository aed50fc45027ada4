namespace Crm.Integration.Benchmark;

internal static class Percentiles
{
    /// <summary>The nearest-rank percentile of the values, in their unit; 0 for none.</summary>
    public static double Of(IReadOnlyCollection<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
