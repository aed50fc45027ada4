namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>One log event of a delivery, with its JSON exactly as Auth0 sent it.</summary>
public sealed record Auth0LogEntry(string LogId, string Type, ReadOnlyMemory<byte> Json);

/// <summary>
/// An entry that cannot be forwarded. <paramref name="SourceId"/> is its <c>log_id</c>, or, when it has none, a hash of
/// its bytes, so that the same bad entry delivered again is recorded once.
/// </summary>
public sealed record RejectedLogEntry(string SourceId, string? Type, string Reason);

/// <summary>What a delivery held.</summary>
public sealed record Auth0LogBatch(IReadOnlyList<Auth0LogEntry> Entries, IReadOnlyList<RejectedLogEntry> Rejected)
{
    public int Count => Entries.Count + Rejected.Count;
}

/// <summary>Why a body could not be read at all; positions are 1-based.</summary>
public sealed record LogBatchSyntaxError(string Message, long Line, long BytePositionInLine);
