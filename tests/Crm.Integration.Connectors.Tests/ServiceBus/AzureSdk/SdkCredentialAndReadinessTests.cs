using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Crm.Integration.Connectors.ServiceBus;
using Crm.Integration.Testing;
using Crm.Integration.Testing.ServiceBusDouble;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Crm.Integration.Connectors.Tests.ServiceBus.AzureSdk;

/// <summary>The token-credential path, and what readiness and the sender say when the namespace refuses or is gone.</summary>
public sealed class SdkCredentialAndReadinessTests
{
    private const string Queue = "orders";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TokenCredential_PutsAJwtOnCbs_AndMessagesFlow()
    {
        using var certificate = SelfSigned();
        await using var serviceBus = ServiceBusDouble.Start(TimeSpan.FromSeconds(5), certificate: certificate);
        var queue = serviceBus.AddEntity(Queue);
        var credential = new JwtCredential();
        await using var connector = new SdkConnector(serviceBus, [Queue], credential: credential);

        await connector.Sender.SendAsync(Queue, [new OutboundMessage("jwt-1", null, "{}"u8.ToArray())], CancellationToken.None);
        await using var run = new ListenerRun(connector.Listener, Queue, _ => Task.FromResult(Settlement.Complete));

        await Eventually.TrueAsync(() => Task.FromResult(queue.Completed.Count == 1), Patience, "the message completed");
        Assert.Contains(credential.Token, serviceBus.JwtsAccepted);
        Assert.Contains("$cbs put-token jwt", serviceBus.Traffic.Kinds());
        Assert.DoesNotContain("$cbs put-token servicebus.windows.net:sastoken", serviceBus.Traffic.Kinds());
        Assert.Contains("https://servicebus.azure.net/.default", credential.Scopes);
    }

    [Fact]
    public async Task Readiness_EntityMissing_NamesTheEntity_AndTheTransport()
    {
        await using var serviceBus = ServiceBusDouble.Start(TimeSpan.FromSeconds(5));
        serviceBus.AddEntity(Queue);
        await using var connector = new SdkConnector(serviceBus, [Queue, "missing"]);

        await using var run = new ListenerRun(connector.Listener, "missing", _ => Task.FromResult(Settlement.Complete));

        var report = await Eventually.GetAsync(
            async () => await connector.ReadinessAsync() is { Status: HealthStatus.Unhealthy } r ? r : null, Patience, "not ready");
        var description = report.Entries["servicebus"].Description!;
        Assert.StartsWith("Transport AzureServiceBus (127.0.0.1)", description, StringComparison.Ordinal);
        Assert.Contains("entity 'missing' does not exist in the namespace", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongKey_CbsRefusesTheSignature_SendIsUnavailable_AndReadinessSaysCredentials()
    {
        await using var serviceBus = ServiceBusDouble.Start(TimeSpan.FromSeconds(5));
        serviceBus.AddEntity(Queue);
        var wrongKey = serviceBus.ConnectionString.Replace(ServiceBusDouble.Key, "not-the-key", StringComparison.Ordinal);
        await using var connector = new SdkConnector(serviceBus, [Queue], connectionString: wrongKey);

        var error = await Assert.ThrowsAsync<QueueUnavailableException>(
            () => connector.Sender.SendAsync(Queue, [new OutboundMessage("refused", null, "{}"u8.ToArray())], CancellationToken.None));

        Assert.Contains("not transient", error.Message, StringComparison.Ordinal);
        var report = await connector.ReadinessAsync();
        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("sending to orders: the namespace refused the credentials", report.Entries["servicebus"].Description, StringComparison.Ordinal);
        Assert.Empty(serviceBus.Entity(Queue).Arrived);
    }

    [Fact]
    public async Task Send_NamespaceGone_ThrowsQueueUnavailable_AsTransient()
    {
        var serviceBus = ServiceBusDouble.Start(TimeSpan.FromSeconds(5));
        serviceBus.AddEntity(Queue);
        await using var connector = new SdkConnector(serviceBus, [Queue]);
        await serviceBus.DisposeAsync();

        var error = await Assert.ThrowsAsync<QueueUnavailableException>(
            () => connector.Sender.SendAsync(Queue, [new OutboundMessage("lost", null, "{}"u8.ToArray())], CancellationToken.None));

        Assert.Contains("(transient)", error.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddDays(-1), TimeProvider.System.GetUtcNow().AddDays(1));
        // Through PKCS#12 so that the private key is usable by the TLS server on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
