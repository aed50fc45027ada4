using Crm.Integration.Testing;

namespace Crm.Integration.Connectors.Tests;

/// <summary>Brings up the shared test stack once for the assembly (a no-op when scripts/test.sh already did).</summary>
public sealed class SharedStackFixture : IAsyncLifetime
{
    public TestStack Stack => TestStack.Shared;

    public Task InitializeAsync() => Stack.UpAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class SharedStackCollection : ICollectionFixture<SharedStackFixture>
{
    public const string Name = "shared stack";
}
