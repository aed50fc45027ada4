using System.Text.Json;
using System.Text.Json.Serialization;
using Crm.Integration.Functions.Auth0Events;
using Crm.Integration.Functions.Auth0LogStream;
using Crm.Integration.Functions.TaskSignups;
using Crm.Integration.Functions.TransactionalEmails;

namespace Crm.Integration.Functions.Hosting;

/// <summary>Source-generated serialisation for everything the hub reads or writes as JSON.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Auth0LogEvent))]
[JsonSerializable(typeof(LogStreamReceipt))]
[JsonSerializable(typeof(TransactionalEmailData))]
[JsonSerializable(typeof(TaskSignupData))]
internal sealed partial class FunctionsJsonContext : JsonSerializerContext;
