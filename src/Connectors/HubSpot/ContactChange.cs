using System.Globalization;

namespace Crm.Integration.Connectors.HubSpot;

/// <summary>
/// A change to one contact, keyed by its normalised email. Properties named in <see cref="LatestWins"/> hold epoch
/// milliseconds and keep the later value when two changes meet (many logins become one update with the last date).
/// A change that is older on such a date also loses the other properties both changes set (an older task signup
/// does not overwrite the later one's task name); otherwise the change that came last wins.
/// </summary>
/// <remarks>This is the one coalescing rule: the batcher merges a contact's changes by it, and so does the client when
/// one call carries an email twice.</remarks>
public sealed record ContactChange(string Email, IReadOnlyDictionary<string, string> Properties, IReadOnlySet<string> LatestWins)
{
    /// <summary>A change without latest-wins properties.</summary>
    public ContactChange(string email, IReadOnlyDictionary<string, string> properties)
        : this(email, properties, new HashSet<string>(StringComparer.Ordinal))
    {
    }

    public ContactChange Merge(ContactChange later)
    {
        ArgumentNullException.ThrowIfNull(later);
        var laterIsOlder = later.LatestWins.Any(name =>
            Properties.TryGetValue(name, out var mine) && later.Properties.TryGetValue(name, out var theirs) && EpochMs(mine) > EpochMs(theirs));
        var merged = new Dictionary<string, string>(Properties, StringComparer.Ordinal);
        foreach (var (name, value) in later.Properties)
        {
            if (!merged.ContainsKey(name) || !laterIsOlder)
            {
                merged[name] = LatestWins.Contains(name) && merged.TryGetValue(name, out var earlier) && EpochMs(earlier) > EpochMs(value)
                    ? earlier
                    : value;
            }
        }

        return this with { Properties = merged, LatestWins = new HashSet<string>(LatestWins.Concat(later.LatestWins), StringComparer.Ordinal) };
    }

    /// <summary>This change with every latest-wins property set to <paramref name="epochMilliseconds"/>.</summary>
    public ContactChange WithLatest(long epochMilliseconds)
    {
        var properties = new Dictionary<string, string>(Properties, StringComparer.Ordinal);
        foreach (var name in LatestWins)
        {
            properties[name] = epochMilliseconds.ToString(CultureInfo.InvariantCulture);
        }

        return this with { Properties = properties };
    }

    private static long EpochMs(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? ms : long.MinValue;
}
