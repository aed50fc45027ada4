using System.Globalization;
using System.Text;
using Azure.Identity;
using Azure.Messaging.ServiceBus;

// Checks a deployment end to end through its real namespace: one Auth0 login event the hub must handle (it leaves the
// queue and is not dead-lettered), and one malformed event the hub must dead-letter with a reason an operator can read.
// The login updates the last-login date of a real HubSpot contact: pass the email of a test contact you own.
// Usage: dotnet run --project tools/Crm.Integration.ServiceBusCheck -- <namespace>.servicebus.windows.net <test-contact-email> [queue]
//        (DefaultAzureCredential: az login, or a managed identity; the identity needs Data Sender and Data Receiver)
//    or: SERVICEBUS_CONNECTION_STRING='Endpoint=sb://...' dotnet run --project tools/Crm.Integration.ServiceBusCheck -- - <test-contact-email> [queue]
var target = args.Length > 0 ? args[0] : throw new ArgumentException("Pass the namespace (or '-' to use SERVICEBUS_CONNECTION_STRING).");
var email = args.Length > 1 ? args[1] : throw new ArgumentException("Pass the email of a HubSpot test contact.");
var queue = args.Length > 2 ? args[2] : "auth0-log-events";
var wait = TimeSpan.FromSeconds(60);

await using var client = target == "-"
    ? new ServiceBusClient(Environment.GetEnvironmentVariable("SERVICEBUS_CONNECTION_STRING"))
    : new ServiceBusClient(target, new DefaultAzureCredential());
await using var sender = client.CreateSender(queue);
await using var deadLetters = client.CreateReceiver(queue, new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter });

var run = $"deploy-check-{TimeProvider.System.GetUtcNow():yyyyMMddHHmmss}";
var good = $"{run}-login";
var bad = $"{run}-malformed";
var now = TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
await sender.SendMessageAsync(new ServiceBusMessage(Encoding.UTF8.GetBytes(
    $$$"""{"log_id":"{{{good}}}","data":{"date":"{{{now}}}","type":"s","user_id":"auth0|{{{run}}}","user_name":"{{{email}}}"}}"""))
{ MessageId = good, Subject = "s", ContentType = "application/json" });
await sender.SendMessageAsync(new ServiceBusMessage("{not json"u8.ToArray()) { MessageId = bad, Subject = "s", ContentType = "application/json" });
Console.WriteLine($"sent {good} and {bad} to {queue}");

var deadline = TimeProvider.System.GetUtcNow() + wait;
ServiceBusReceivedMessage? badDeadLetter = null;
var goodDeadLettered = false;
while (badDeadLetter is null && TimeProvider.System.GetUtcNow() < deadline)
{
    foreach (var message in await deadLetters.PeekMessagesAsync(100))
    {
        badDeadLetter = message.MessageId == bad ? message : badDeadLetter;
        goodDeadLettered |= message.MessageId == good;
    }

    await Task.Delay(TimeSpan.FromSeconds(2));
}

await using var peeker = client.CreateReceiver(queue);
var stillQueued = (await peeker.PeekMessagesAsync(250)).Any(m => m.MessageId == good);
Console.WriteLine(badDeadLetter is null
    ? $"FAIL: {bad} was not dead-lettered within {wait.TotalSeconds} s (is the hub receiving from {queue}?)"
    : $"dead letter {bad}: {badDeadLetter.DeadLetterReason}: {badDeadLetter.DeadLetterErrorDescription}");
Console.WriteLine(goodDeadLettered || stillQueued
    ? $"FAIL: {good} was {(goodDeadLettered ? "dead-lettered" : "not taken from the queue")}"
    : $"handled {good} (left the queue, not dead-lettered; its ledger row is {good} in the Notifications table)");
return badDeadLetter is not null && !goodDeadLettered && !stillQueued ? 0 : 1;
