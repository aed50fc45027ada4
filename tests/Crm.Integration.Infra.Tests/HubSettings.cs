using System.Collections;
using System.Reflection;
using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Infra.Tests;

/// <summary>
/// Which settings the hub reads: every options type of src/Connectors and src/Functions with a <c>SectionName</c>,
/// its public properties (dictionaries take any key), and the function switches <c>AzureWebJobs:&lt;name&gt;:Disabled</c>.
/// </summary>
internal static class HubSettings
{
    private static readonly Assembly[] HubAssemblies = [typeof(StorageOptions).Assembly, typeof(Program).Assembly];

    /// <summary>Section path (e.g. <c>Storage</c>, <c>AzureFunctionsJobHost:extensions:serviceBus</c>) → options type.</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } = HubAssemblies
        .SelectMany(a => a.GetTypes())
        .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
        .Where(x => x.Field is { IsLiteral: true } && x.Field.FieldType == typeof(string))
        .ToDictionary(x => (string)x.Field!.GetRawConstantValue()!, x => x.Type, StringComparer.OrdinalIgnoreCase);

    /// <summary>The functions that can be switched off (the constants of FunctionSwitches).</summary>
    public static IReadOnlySet<string> Functions { get; } = typeof(Program).Assembly
        .GetType("Crm.Integration.Functions.Hosting.FunctionSwitches", throwOnError: true)!
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Why an environment variable (<c>Section__Key</c>) would not reach the hub, or null when it binds to a property
    /// (configuration keys are case-insensitive, as the binder is).
    /// </summary>
    public static string? WhyItDoesNotBind(string environmentVariable)
    {
        if (StandardTelemetrySettings.Contains(environmentVariable))
        {
            return null;
        }

        var key = environmentVariable.Replace("__", ":", StringComparison.Ordinal);
        var segments = key.Split(':');
        if (segments is ["AzureWebJobs", var function, "Disabled"])
        {
            return Functions.Contains(function) ? null : $"{key}: no function '{function}' (FunctionSwitches)";
        }

        var section = Sections.Keys.Where(s => key.StartsWith(s + ":", StringComparison.OrdinalIgnoreCase)).MaxBy(s => s.Length);
        if (section is null)
        {
            return $"{key}: no options type has the section of this key";
        }

        var type = Sections[section];
        var path = key[(section.Length + 1)..].Split(':');
        for (var i = 0; i < path.Length; i++)
        {
            var property = type.GetProperty(path[i], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.SetMethod is not { IsPublic: true } && !IsCollection(property.PropertyType))
            {
                return $"{key}: {type.Name} has no settable property '{path[i]}'";
            }

            if (IsDictionary(property.PropertyType))
            {
                return i == path.Length - 2 ? null : $"{key}: {type.Name}.{property.Name} takes one key level";
            }

            type = property.PropertyType;
        }

        return null;
    }

    /// <summary>Read by the OpenTelemetry exporters by their standard names (src/Functions/Hosting/HubTelemetryRegistration.cs).</summary>
    private static readonly HashSet<string> StandardTelemetrySettings = new(StringComparer.Ordinal) { "APPLICATIONINSIGHTS_CONNECTION_STRING", "OTEL_EXPORTER_OTLP_ENDPOINT" };

    private static bool IsDictionary(Type type) => typeof(IDictionary).IsAssignableFrom(type);

    private static bool IsCollection(Type type) => type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type);
}
