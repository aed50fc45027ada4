using System.Text.Json;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Functions.Hosting;
using Crm.Integration.Functions.PlatformEvents;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TaskSignups;

/// <summary>
/// Handles one <c>task_signup</c> event: reads its data, then has the executor run what <see cref="TaskSignupDecider"/>
/// decides. The ledger row is keyed by the user-task id (channel <see cref="Channel"/>), so a repeat of the same
/// signup under another event id is a no-op.
/// </summary>
internal sealed class TaskSignupHandler(PlanExecutor executor, IEventFacts facts, IOptions<PlatformEventsOptions> options, TimeProvider time)
{
    public const string Channel = "task-signup";
    public const string NotificationType = "task-signup";

    public Task<HandlerOutcome> HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(platformEvent);
        TaskSignupData? data = null;
        string? shapeProblem = null;
        try
        {
            data = platformEvent.Data.Deserialize(FunctionsJsonContext.Default.TaskSignupData);
        }
        catch (JsonException ex)
        {
            shapeProblem = $"The task_signup data does not have the expected shape: {ex.Message}";
        }

        if (data?.Id is not { Length: > 0 } userTaskId)
        {
            var why = shapeProblem is null
                ? Reasons.MissingTaskSignupId.Because("The task_signup data has no id (the user-task id).")
                : Reasons.MalformedEvent.Because(shapeProblem);
            return executor.RejectAsync(Receipt(platformEvent.Id, platformEvent.Replayed), why, cancellationToken);
        }

        return executor.RunAsync(
            Receipt(userTaskId, platformEvent.Replayed) with { Person = PersonIds.Of(data.Email, data.UserId) }, attempt => TaskSignupDecider.DecideAsync(platformEvent, data, attempt, options.Value, facts, cancellationToken), cancellationToken);
    }

    private NotificationReceipt Receipt(string sourceId, bool replayed) => new(sourceId, Channel, NotificationType, time.GetUtcNow(), Replayed: replayed);
}
