using Amqp;
using Amqp.Framing;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>Opening links and waiting for the broker's answer, so that a missing entity fails here and not later.</summary>
internal static class AmqpLinks
{
    public static async Task<SenderLink> AttachSenderAsync(Session session, string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var attached = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new SenderLink(
            session,
            $"sender-{Guid.NewGuid():N}",
            new Target { Address = address, Durable = 1 },
            (_, attach) => attached.TrySetResult(attach.Target is not null));
        await AwaitAttachAsync(link, attached, address, timeout, cancellationToken).ConfigureAwait(false);
        return link;
    }

    public static async Task<ReceiverLink> AttachReceiverAsync(Session session, string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var attached = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var link = new ReceiverLink(
            session,
            $"receiver-{Guid.NewGuid():N}",
            new Source { Address = address },
            (_, attach) => attached.TrySetResult(attach.Source is not null));
        await AwaitAttachAsync(link, attached, address, timeout, cancellationToken).ConfigureAwait(false);
        return link;
    }

    private static async Task AwaitAttachAsync(Link link, TaskCompletionSource<bool> attached, string address, TimeSpan timeout, CancellationToken cancellationToken)
    {
        link.AddClosedCallback((_, error) => attached.TrySetException(new QueueUnavailableException(
            $"The broker refused a link to '{address}': {error?.Condition} {error?.Description}".TrimEnd())));
        bool accepted;
        try
        {
            accepted = await attached.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            await CloseQuietlyAsync(link).ConfigureAwait(false);
            throw new QueueUnavailableException($"The broker did not answer a link to '{address}' within {timeout}.", ex);
        }

        if (!accepted)
        {
            // The peer answers a refused attach with an empty terminus and then a detach carrying the error.
            await CloseQuietlyAsync(link).ConfigureAwait(false);
            throw new QueueUnavailableException($"The broker refused a link to '{address}' (does the entity exist?).");
        }
    }

    public static async Task CloseQuietlyAsync(AmqpObject? amqpObject)
    {
        if (amqpObject is null or { IsClosed: true })
        {
            return;
        }

        try
        {
            await amqpObject.CloseAsync(TimeSpan.FromSeconds(5), null).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmqpException or TimeoutException or ObjectDisposedException)
        {
            // Closing something the broker already dropped: nothing to do.
        }
    }
}
