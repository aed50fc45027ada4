using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Connectors.Storage;

/// <summary>The <c>EmailTemplates</c> table; the layout is <see cref="EmailTemplateRows"/>.</summary>
internal sealed class TableEmailTemplates(TableServiceClient service, IOptions<StorageOptions> options) : IEmailTemplates, IEmailTemplateAdmin
{
    private readonly LazyTable _table = new(service, options.Value.EmailTemplatesTable);

    public async Task<EmailTemplate?> GetAsync(string name, CancellationToken cancellationToken) =>
        (await FindAsync(name, cancellationToken).ConfigureAwait(false))?.Template;

    public async Task<VersionedTemplate?> FindAsync(string name, CancellationToken cancellationToken)
    {
        if (!EmailTemplate.IsValidName(name))
        {
            return null; // no row can have such a key
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(name, EmailTemplateRows.MappingRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.HasValue ? Versioned(response.Value!) : null;
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Email template '{name}' cannot be read ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    public async Task<TemplatePage> ListAsync(int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"RowKey eq {EmailTemplateRows.MappingRow}");
        var page = await FirstPageAsync(table.QueryAsync<TableEntity>(filter, pageSize, cancellationToken: cancellationToken), continuationToken, pageSize, "Email templates cannot be listed").ConfigureAwait(false);
        return new TemplatePage(page.Values.Select(Versioned).ToList(), Encode(page.ContinuationToken));
    }

    public async Task<TemplateHistoryPage> HistoryAsync(string name, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        if (!EmailTemplate.IsValidName(name))
        {
            return new TemplateHistoryPage([], null);
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        var query = table.QueryAsync<TableEntity>(EmailTemplateRows.HistoryFilter(name), pageSize, cancellationToken: cancellationToken);
        var page = await FirstPageAsync(query, continuationToken, pageSize, $"History of email template '{name}' cannot be read").ConfigureAwait(false);
        return new TemplateHistoryPage(page.Values.Select(EmailTemplateRows.ToChange).ToList(), Encode(page.ContinuationToken));
    }

    public Task<TemplateWriteResult> CreateAsync(EmailTemplate template, CancellationToken cancellationToken)
    {
        var change = new TemplateChange(TemplateChangeActions.Created, Who(template), When(template), null, template);
        return WriteAsync(template.Name, change, TableTransactionActionType.Add, EmailTemplateRows.Mapping(template), ETag.All, cancellationToken);
    }

    public async Task<TemplateWriteResult> ReplaceAsync(EmailTemplate template, string expectedVersion, CancellationToken cancellationToken)
    {
        var (who, when) = (Who(template), When(template));
        var before = await FindAsync(template.Name, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            return new TemplateWriteResult(TemplateWriteStatus.NotFound);
        }

        // The audit entry's "before" is the row as read here; the write below is conditional on the version the admin
        // read, and on this read's version too, so that "before" is exactly what was replaced.
        if (!Matches(expectedVersion, before.Version))
        {
            return new TemplateWriteResult(TemplateWriteStatus.Stale);
        }

        var change = new TemplateChange(TemplateChangeActions.Replaced, who, when, before.Template, template);
        return await WriteAsync(template.Name, change, TableTransactionActionType.UpdateReplace, EmailTemplateRows.Mapping(template), new ETag(before.Version), cancellationToken).ConfigureAwait(false);
    }

    public async Task<TemplateWriteResult> DeleteAsync(string name, string expectedVersion, string changedBy, DateTimeOffset changedAt, CancellationToken cancellationToken)
    {
        var before = await FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            return new TemplateWriteResult(TemplateWriteStatus.NotFound);
        }

        if (!Matches(expectedVersion, before.Version))
        {
            return new TemplateWriteResult(TemplateWriteStatus.Stale);
        }

        var change = new TemplateChange(TemplateChangeActions.Deleted, changedBy, changedAt, before.Template, null);
        var result = await WriteAsync(name, change, TableTransactionActionType.Delete, new TableEntity(name, EmailTemplateRows.MappingRow), new ETag(before.Version), cancellationToken).ConfigureAwait(false);
        return result.Status == TemplateWriteStatus.Saved ? new TemplateWriteResult(TemplateWriteStatus.Saved) : result;
    }

    private async Task<TemplateWriteResult> WriteAsync(string name, TemplateChange change, TableTransactionActionType write, TableEntity mapping, ETag version, CancellationToken cancellationToken)
    {
        if (!EmailTemplate.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid template name.", nameof(name));
        }

        var table = await _table.GetAsync(cancellationToken).ConfigureAwait(false);
        TableTransactionAction[] actions =
        [
            new(write, mapping, version),
            new(TableTransactionActionType.Add, EmailTemplateRows.History(name, change)),
        ];
        try
        {
            var responses = await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            return new TemplateWriteResult(TemplateWriteStatus.Saved, responses.Value[0].Headers.ETag?.ToString());
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // 409 on the mapping: it exists (create); on the history entry: another change landed in the same tick.
            return new TemplateWriteResult(ex.Status switch
            {
                404 => TemplateWriteStatus.NotFound,
                409 when ex.FailedTransactionActionIndex == 0 => TemplateWriteStatus.AlreadyExists,
                _ => TemplateWriteStatus.Stale,
            });
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"Email template '{name}' cannot be written ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    // The audit entry needs both; its row key is made of the time.
    private static string Who(EmailTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return string.IsNullOrWhiteSpace(template.ChangedBy)
            ? throw new ArgumentException("ChangedBy is required: every change records who made it.", nameof(template))
            : template.ChangedBy;
    }

    private static DateTimeOffset When(EmailTemplate template) =>
        template.ChangedAt ?? throw new ArgumentException("ChangedAt is required: every change records when.", nameof(template));

    private static bool Matches(string expected, string actual) => expected == "*" || string.Equals(expected, actual, StringComparison.Ordinal);

    private static VersionedTemplate Versioned(TableEntity row) => new(EmailTemplateRows.ToTemplate(row), row.ETag.ToString());

    private static async Task<Page<TableEntity>> FirstPageAsync(AsyncPageable<TableEntity> query, string? continuationToken, int pageSize, string failure)
    {
        var storageToken = Decode(continuationToken);
        try
        {
            await foreach (var page in query.AsPages(storageToken, pageSize).ConfigureAwait(false))
            {
                return page;
            }

            return Page<TableEntity>.FromValues([], null, null!);
        }
        catch (RequestFailedException ex) when (storageToken is not null && ex.Status == 400)
        {
            throw new InvalidContinuationTokenException("The continuation token was not accepted; start again from the first page.", ex);
        }
        catch (RequestFailedException ex)
        {
            throw new StorageUnavailableException($"{failure} ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    // The SDK's token holds row keys (template names) in clear and spaces; callers get it as opaque URL-safe text.
    private static string? Encode(string? storageToken) =>
        storageToken is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(storageToken));

    private static string? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException ex)
        {
            throw new InvalidContinuationTokenException("The continuation token is not one this API issued.", ex);
        }
    }
}
