using System.Globalization;

namespace Crm.Integration.Functions.DeadLetters;

/// <summary>
/// Where a listing goes on: <c>{queue}:{position}</c>, the queue and the position of the last item answered (the
/// listing walks <see cref="DeadLetterQueues.All"/> in order). Opaque to callers: they send back what <c>next</c> said.
/// </summary>
internal readonly record struct DeadLetterCursor(string Queue, long After)
{
    public override string ToString() => $"{Queue}:{After.ToString(CultureInfo.InvariantCulture)}";

    public static bool TryParse(string? text, out DeadLetterCursor cursor)
    {
        cursor = default;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !DeadLetterQueues.IsKnown(text![..colon])
            || !long.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var after))
        {
            return false;
        }

        cursor = new DeadLetterCursor(text[..colon], after);
        return true;
    }
}
