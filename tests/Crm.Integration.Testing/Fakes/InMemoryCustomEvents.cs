using System.Collections.Concurrent;
using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Testing.Fakes;

public sealed class InMemoryCustomEvents : IHubSpotCustomEvents
{
    public ConcurrentQueue<CustomEventOccurrence> Occurrences { get; } = new();

    public CustomEventOutcome? Failure { get; set; }

    public Task<CustomEventOutcome> SendAsync(CustomEventOccurrence occurrence, CancellationToken cancellationToken)
    {
        if (Failure is { } failure)
        {
            return Task.FromResult(failure);
        }

        Occurrences.Enqueue(occurrence);
        return Task.FromResult(new CustomEventOutcome(CustomEventOutcomeKind.Recorded));
    }
}
