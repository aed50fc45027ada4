using System.Collections.Concurrent;
using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Testing.Fakes;

/// <summary>
/// Single-send as HubSpot answers it: one email per send id (a repeat is <c>IDEMPOTENT_IGNORE</c>); the answer is
/// <c>PENDING</c> unless <see cref="ImmediateResult"/> says otherwise, and the status turns <c>COMPLETE</c> with
/// <see cref="FinalResult"/> when read.
/// </summary>
public sealed class FakeTransactionalEmail : ITransactionalEmail
{
    private readonly ConcurrentDictionary<string, string> _statusBySendId = new(StringComparer.Ordinal);

    public ConcurrentQueue<SingleSendEmail> Requests { get; } = new();

    public ConcurrentQueue<SingleSendEmail> Sent { get; } = new();

    /// <summary>A result HubSpot gives in the send answer itself (e.g. <c>INVALID_TO_ADDRESS</c>); null → PENDING.</summary>
    public string? ImmediateResult { get; set; }

    public string FinalResult { get; set; } = "SENT";

    /// <summary>When set, sends are answered with this instead (e.g. a 503 as transient, a 400 as permanent).</summary>
    public SendOutcome? Failure { get; set; }

    public int StatusReads { get; private set; }

    public Task<SendOutcome> SendAsync(SingleSendEmail email, CancellationToken cancellationToken)
    {
        Requests.Enqueue(email);
        if (Failure is { } failure)
        {
            return Task.FromResult(failure);
        }

        var statusId = Guid.NewGuid().ToString();
        if (!_statusBySendId.TryAdd(email.SendId, statusId))
        {
            return Answer(new SendStatus(statusId, "COMPLETE", "IDEMPOTENT_IGNORE", null));
        }

        if (ImmediateResult is { } immediate)
        {
            return Answer(new SendStatus(statusId, "COMPLETE", immediate, null));
        }

        Sent.Enqueue(email);
        return Answer(new SendStatus(statusId, "PENDING", null, null));
    }

    public Task<SendOutcome> GetStatusAsync(string statusId, CancellationToken cancellationToken)
    {
        StatusReads++;
        return Answer(new SendStatus(statusId, "COMPLETE", FinalResult, null));
    }

    private static Task<SendOutcome> Answer(SendStatus status) => Task.FromResult(new SendOutcome(SendOutcomeKind.Answered, status));
}
