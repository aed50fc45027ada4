using Crm.Integration.Connectors.HubSpot;
using Crm.Integration.Functions.Common;
using Crm.Integration.Functions.Contacts;
using Crm.Integration.Functions.Execution;
using Crm.Integration.Functions.PlatformEvents;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;
using Crm.Integration.Testing.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crm.Integration.Functions.Tests.Execution;

/// <summary>The executor and the facts over in-memory connectors: what every trigger test runs its handlers on.</summary>
internal sealed record InMemoryExecution(
    InMemoryLedger Ledger,
    InMemoryAuth0Users Auth0,
    InMemoryLookups Lookups,
    InMemoryContactDates ContactDates,
    IHubSpotContacts Contacts,
    ContactBatcher Batcher,
    TimeProvider Time,
    PlatformEventsOptions? Options = null,
    InMemoryEmailTemplates? Templates = null,
    InMemoryCustomEvents? CustomEvents = null,
    FakeTransactionalEmail? Email = null,
    SendStatusWatcher? Watcher = null,
    int LiveReplicas = 1)
{
    /// <param name="contactWriter">The contact writes' way to HubSpot; the batcher when not given.</param>
    public (PlanExecutor Executor, IEventFacts Facts) Build(IHubSpotContactWriter? contactWriter = null, ILoggerFactory? logs = null)
    {
        var options = Microsoft.Extensions.Options.Options.Create(Options ?? new PlatformEventsOptions());
        var email = Email ?? new FakeTransactionalEmail();
        var watcher = Watcher ?? new SendStatusWatcher(email, Ledger, options, Time, NullLogger<SendStatusWatcher>.Instance);
        var facts = new EventFacts(
            new Recipients(Auth0, options, Time),
            new LookupSettings<ContactPropertyNames>(
                ContactPropertyNames.LookupPartition, ContactPropertyNames.From, ContactPropertyNames.Defaults, Lookups, TimeSpan.FromSeconds(30), Time, NullLogger.Instance),
            new LookupSettings<TaskSignupSettings>(
                TaskSignupSettings.LookupPartition, TaskSignupSettings.From, TaskSignupSettings.Defaults, Lookups, TimeSpan.FromSeconds(30), Time, NullLogger.Instance),
            Contacts,
            new EmailTemplateCatalog(Templates ?? new InMemoryEmailTemplates(), options, Time));
        var executor = new PlanExecutor(
            Ledger, ContactDates, contactWriter ?? Batcher, email, CustomEvents ?? new InMemoryCustomEvents(), watcher, new FixedCensus(LiveReplicas),
            (logs ?? NullLoggerFactory.Instance).CreateLogger<PlanExecutor>());
        return (executor, facts);
    }
}

/// <summary>A replica count the test chooses.</summary>
internal sealed record FixedCensus(int LiveReplicas) : IReplicaCensus;
