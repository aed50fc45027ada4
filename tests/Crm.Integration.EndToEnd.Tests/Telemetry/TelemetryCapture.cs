using System.Diagnostics;
using System.Text;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Integration.EndToEnd.Tests.Telemetry;

/// <summary>
/// What a hub exports, kept in memory: every span (OpenTelemetry's in-memory exporter), the metrics of the last
/// flush (as snapshots), and the text of every log record (message, attributes and scopes, taken while exporting,
/// since log records are pooled). Added after the host's own configuration, so it sees what any exporter would.
/// </summary>
public sealed class TelemetryCapture
{
    private readonly LockedList<Activity> _spans = new();
    private readonly LockedList<MetricSnapshot> _metrics = new();
    private readonly LockedList<string> _logs = new();

    public IReadOnlyList<Activity> Spans => _spans.Snapshot();

    public IReadOnlyList<string> Logs => _logs.Snapshot();

    public void AddTo(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(_spans));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_metrics));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddProcessor(new SimpleLogRecordExportProcessor(new LogTextExporter(_logs))));
    }

    /// <summary>The metrics as they stand now (cumulative since the host started).</summary>
    public IReadOnlyList<MetricSnapshot> CollectMetrics(IServiceProvider services)
    {
        _metrics.Clear();
        services.GetRequiredService<MeterProvider>().ForceFlush();
        return _metrics.Snapshot();
    }

    private sealed class LogTextExporter(LockedList<string> logs) : BaseExporter<LogRecord>
    {
        public override ExportResult Export(in Batch<LogRecord> batch)
        {
            foreach (var record in batch)
            {
                var text = new StringBuilder().Append("trace=").Append(record.TraceId.ToHexString()).Append(" span=").Append(record.SpanId.ToHexString())
                    .Append(' ').Append(record.CategoryName).Append(' ').Append(record.FormattedMessage ?? record.Body);
                foreach (var (key, value) in record.Attributes ?? [])
                {
                    text.Append(' ').Append(key).Append('=').Append(value);
                }

                record.ForEachScope((scope, builder) =>
                {
                    foreach (var (key, value) in scope)
                    {
                        builder.Append(" scope:").Append(key).Append('=').Append(value);
                    }
                }, text);
                logs.Add(text.ToString());
            }

            return ExportResult.Success;
        }
    }

    /// <summary>Exporters write from the threads that end spans; tests read while they do.</summary>
    private sealed class LockedList<T> : ICollection<T>
    {
        private readonly List<T> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public void Add(T item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public IReadOnlyList<T> Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public bool Contains(T item) => Snapshot().Contains(item);

        public void CopyTo(T[] array, int arrayIndex) => Snapshot().ToList().CopyTo(array, arrayIndex);

        public bool Remove(T item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
