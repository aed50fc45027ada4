using System.Globalization;

namespace Crm.Integration.Connectors.ServiceBus;

/// <summary>
/// The application property a replay from the dead-letter queue adds to the message it sends back: the time of the
/// replay, as ISO 8601 text (text crosses RabbitMQ's AMQP 1.0 ↔ 0-9-1 conversion unchanged, where a timestamp loses
/// its milliseconds). Its presence tells the ledger to let a rejected event run again.
/// </summary>
public static class ReplayMarker
{
    public const string PropertyName = "crm-replayed-at";

    public static string Format(DateTimeOffset replayedAt) => replayedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The replay time a message carries; null when it has none or the value is not a time (not a replay).</summary>
    public static DateTimeOffset? Read(object? value) => value switch
    {
        string text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
        DateTime stamped => new DateTimeOffset(stamped.ToUniversalTime()),
        DateTimeOffset at => at,
        _ => null,
    };
}
