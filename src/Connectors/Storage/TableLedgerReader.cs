using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>
/// Reads the ledger one channel after another, each over the partitions of the window's days only
/// (<see cref="LedgerKeys.ReceivedOnDays"/>), the rest of the query a filter storage applies. The cursor is the
/// channel's index and storage's own continuation token, so a page costs what it returns, wherever it starts.
/// </summary>
internal sealed class TableLedgerReader(TableServiceClient service, IOptions<StorageOptions> options, PersonFingerprints fingerprints) : ILedgerReader
{
    private const int ReadAllPageSize = 1000;

    // Marks a person no fingerprint can be made for (no key configured): no row can be theirs.
    private const string NoOne = "\0";

    private readonly LazyTable _table = new(service, options.Value.NotificationsTable);

    public async Task<LedgerPage> ReadPageAsync(LedgerQuery query, int max, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var (channel, token) = ParseCursor(cursor, query.Channels.Count);
        var person = await PersonFilterAsync(query.Person, cancellationToken).ConfigureAwait(false);
        if (person is NoOne || query.Until <= query.Since)
        {
            return new LedgerPage([], null);
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<NotificationRecord>(Math.Min(max, ReadAllPageSize));
        try
        {
            for (; channel < query.Channels.Count; channel++, token = null)
            {
                var filter = Filter(query, query.Channels[channel], person);
                do
                {
                    var wanted = max - records.Count;
                    (var rows, token) = await OnePageAsync(table, filter, wanted, token, cancellationToken).ConfigureAwait(false);
                    records.AddRange(rows);
                    if (records.Count >= max)
                    {
                        return new LedgerPage(records, CursorAfter(channel, token, query.Channels.Count));
                    }
                }
                while (token is not null);
            }
        }
        catch (RequestFailedException ex)
        {
            throw _table.Failed(ex, "The ledger cannot be read");
        }
        catch (AggregateException ex)
        {
            throw StorageFailures.Unreachable(ex);
        }

        return new LedgerPage(records, null);
    }

    public async IAsyncEnumerable<NotificationRecord> ReadAllAsync(LedgerQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? cursor = null;
        do
        {
            var page = await ReadPageAsync(query, ReadAllPageSize, cursor, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                yield return record;
            }

            cursor = page.Next;
        }
        while (cursor is not null);
    }

    private static async Task<(IEnumerable<NotificationRecord> Rows, string? Next)> OnePageAsync(
        TableClient table, string filter, int size, string? token, CancellationToken cancellationToken)
    {
        await foreach (var page in table.QueryAsync<NotificationEntity>(filter, size, cancellationToken: cancellationToken).AsPages(token, size).ConfigureAwait(false))
        {
            return (page.Values.Select(row => row.ToRecord()), string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
        }

        return ([], null);
    }

    private static string Filter(LedgerQuery query, string channel, string? person)
    {
        var parts = new List<string>
        {
            LedgerKeys.ReceivedOnDays(channel, DateOnly.FromDateTime(query.Since.UtcDateTime), DateOnly.FromDateTime(query.Until.UtcDateTime)),
            TableClient.CreateQueryFilter($"ReceivedAt ge {query.Since.ToUniversalTime()} and ReceivedAt lt {query.Until.ToUniversalTime()}"),
        };
        if (query.Status is { } status)
        {
            parts.Add(TableClient.CreateQueryFilter($"Status eq {status.ToString()}"));
        }

        if (query.Type is { } type)
        {
            parts.Add(TableClient.CreateQueryFilter($"Type eq {type}"));
        }

        if (person is not null)
        {
            parts.Add(person);
        }

        return string.Join(" and ", parts.Select(part => $"({part})"));
    }

    private async ValueTask<string?> PersonFilterAsync(PersonIds? person, CancellationToken cancellationToken)
    {
        if (person is null)
        {
            return null;
        }

        var fingerprint = await fingerprints.OfAsync(person, cancellationToken).ConfigureAwait(false);
        var matches = new List<string>();
        if (fingerprint?.Email is { } email)
        {
            matches.Add(TableClient.CreateQueryFilter($"PersonEmail eq {email}"));
        }

        if (fingerprint?.Auth0UserId is { } user)
        {
            matches.Add(TableClient.CreateQueryFilter($"PersonUser eq {user}"));
        }

        return matches.Count == 0 ? NoOne : string.Join(" or ", matches);
    }

    private static string? CursorAfter(int channel, string? token, int channels) =>
        token is not null ? Cursor(channel, token)
        : channel + 1 < channels ? Cursor(channel + 1, "")
        : null;

    private static string Cursor(int channel, string token) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{channel}.{token}")));

    private static (int Channel, string? Token) ParseCursor(string? cursor, int channels)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (0, null);
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException ex)
        {
            throw new FormatException("The cursor is not one this list gave out.", ex);
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 1 || !int.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var channel) || channel >= channels)
        {
            throw new FormatException("The cursor is not one this list gave out.");
        }

        return (channel, dot + 1 == text.Length ? null : text[(dot + 1)..]);
    }
}
