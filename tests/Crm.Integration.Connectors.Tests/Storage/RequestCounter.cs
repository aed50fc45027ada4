using Azure.Core;
using Azure.Core.Pipeline;

namespace Crm.Integration.Connectors.Tests.Storage;

/// <summary>Counts the HTTP requests a table client sends (a transaction is one).</summary>
internal sealed class RequestCounter : HttpPipelineSynchronousPolicy
{
    private int _count;

    public override void OnSendingRequest(HttpMessage message) => Interlocked.Increment(ref _count);

    /// <summary>The requests sent since the last reset.</summary>
    public int Reset() => Interlocked.Exchange(ref _count, 0);
}
