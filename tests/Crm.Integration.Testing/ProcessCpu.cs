using System.Globalization;

namespace Crm.Integration.Testing;

/// <summary>User plus system CPU time of a process on Linux, from <c>/proc/{pid}/stat</c>.</summary>
public static class ProcessCpu
{
    public static TimeSpan Of(int processId)
    {
        var fields = File.ReadAllText($"/proc/{processId}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ is 100 on Linux
    }

    /// <summary>The CPU time of the process whose id a pid file holds (a service of the stack), or null when it is not running.</summary>
    public static TimeSpan? OfPidFile(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? Of(pid) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
