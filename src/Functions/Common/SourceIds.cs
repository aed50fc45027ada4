namespace Crm.Integration.Functions.Common;

/// <summary>
/// What an event id (an Auth0 <c>log_id</c>, a platform event id) must be for the hub to dedupe by it. Storage keys are
/// derived from ids of any length (see the ledger), so this is about sense, not storage: an id longer than any source
/// issues, or one holding characters that were not text, cannot be told apart reliably and is rejected with a reason.
/// </summary>
internal static class SourceIds
{
    /// <summary>Auth0's log ids have 56 characters and platform ids are GUIDs; 1,024 leaves room for any real id.</summary>
    public const int MaxLength = 1024;

    /// <summary>Why <paramref name="id"/> cannot serve as the event's id, or null when it can.</summary>
    /// <param name="field">The field the id came from, named in the reason.</param>
    public static string? Problem(string field, string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length > MaxLength)
        {
            return $"The {field} has {id.Length} characters; an id has at most {MaxLength}.";
        }

        return JsonText.HasReplacement(id) || HasLoneSurrogate(id)
            ? $"The {field} '{Quote.Short(id)}' holds bytes that are not text (invalid UTF-8 or a lone surrogate)."
            : null;
    }

    private static bool HasLoneSurrogate(string id)
    {
        for (var i = 0; i < id.Length; i++)
        {
            if (char.IsHighSurrogate(id[i]) && i + 1 < id.Length && char.IsLowSurrogate(id[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(id[i]))
            {
                return true;
            }
        }

        return false;
    }
}
