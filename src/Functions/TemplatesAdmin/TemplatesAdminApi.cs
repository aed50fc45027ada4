using System.Net.Http.Headers;
using System.Text.Json;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>
/// <c>/api/admin/templates</c>: list, read, create, replace, delete and history of email-template mappings. Reads
/// need the reader (or writer) permission, writes the writer permission; writes name the version they replace in
/// <c>If-Match</c>. Errors are problem details (RFC 9457); field errors list every field at once.
/// </summary>
internal static class TemplatesAdminApi
{
    public const string Route = "/api/admin/templates";

    public static IEndpointRouteBuilder MapTemplatesAdminApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/me", Me).RequireAuthorization(AdminPolicies.SignedIn);
        var templates = app.MapGroup(Route).RequireAuthorization(AdminPolicies.Read).AddEndpointFilter(StorageProblemsAsync);
        templates.MapGet("", ListAsync);
        templates.MapGet("/{name}", GetAsync);
        templates.MapGet("/{name}/history", HistoryAsync);
        templates.MapPost("", CreateAsync).RequireAuthorization(AdminPolicies.Write);
        templates.MapPut("/{name}", ReplaceAsync).RequireAuthorization(AdminPolicies.Write);
        templates.MapDelete("/{name}", DeleteAsync).RequireAuthorization(AdminPolicies.Write);
        return app;
    }

    private static IResult Me(HttpContext http, IOptions<AdminApiOptions> options)
    {
        var admin = Admin(http, options);
        var expires = long.TryParse(http.User.FindFirst("exp")?.Value, out var exp) ? DateTimeOffset.FromUnixTimeSeconds(exp) : (DateTimeOffset?)null;
        return TypedResults.Json(new AdminMeDocument(admin.Subject, admin.DisplayName, admin.CanRead(options.Value), admin.CanWrite(options.Value), expires, admin.CanOperate(options.Value)), AdminJsonContext.Default.AdminMeDocument);
    }

    private static async Task<IResult> ListAsync(
        IEmailTemplateAdmin templates, IOptions<AdminApiOptions> options, [FromQuery(Name = "page_size")] int? pageSize, [FromQuery(Name = "continuation_token")] string? continuationToken, CancellationToken cancellationToken)
    {
        if (PageSize(pageSize, options) is not { } size)
        {
            return PageSizeProblem();
        }

        var page = await templates.ListAsync(size, continuationToken, cancellationToken).ConfigureAwait(false);
        var items = page.Items.Select(t => new TemplateListItem(TemplateDocument.Of(t.Template), EntityTags.For(t.Version))).ToList();
        return TypedResults.Json(new TemplateListDocument(items, page.ContinuationToken), AdminJsonContext.Default.TemplateListDocument);
    }

    private static async Task<IResult> GetAsync(string name, HttpContext http, IEmailTemplateAdmin templates, CancellationToken cancellationToken)
    {
        var found = await templates.FindAsync(name, cancellationToken).ConfigureAwait(false);
        return found is null ? NoSuchTemplate(name) : Template(http, found.Template, found.Version);
    }

    private static async Task<IResult> HistoryAsync(
        string name, IEmailTemplateAdmin templates, IOptions<AdminApiOptions> options, [FromQuery(Name = "page_size")] int? pageSize, [FromQuery(Name = "continuation_token")] string? continuationToken, CancellationToken cancellationToken)
    {
        if (PageSize(pageSize, options) is not { } size)
        {
            return PageSizeProblem();
        }

        var page = await templates.HistoryAsync(name, size, continuationToken, cancellationToken).ConfigureAwait(false);
        if (page.Items.Count == 0 && continuationToken is null)
        {
            return NoSuchTemplate(name);
        }

        var items = page.Items.Select(TemplateChangeDocument.Of).ToList();
        return TypedResults.Json(new TemplateHistoryDocument(name, items, page.ContinuationToken), AdminJsonContext.Default.TemplateHistoryDocument);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, TemplateEditor editor, IOptions<AdminApiOptions> options, CancellationToken cancellationToken)
    {
        var (body, refused) = await ReadJsonAsync(http, options.Value.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var edit = await editor.CreateAsync(body, Admin(http, options), cancellationToken).ConfigureAwait(false);
        return Answer(http, edit, created: true);
    }

    private static async Task<IResult> ReplaceAsync(string name, HttpContext http, TemplateEditor editor, IOptions<AdminApiOptions> options, CancellationToken cancellationToken)
    {
        if (Precondition(http, out var version) is { } missing)
        {
            return missing;
        }

        var (body, refused) = await ReadJsonAsync(http, options.Value.MaxBodyBytes, cancellationToken).ConfigureAwait(false);
        if (refused is not null)
        {
            return refused;
        }

        var edit = await editor.ReplaceAsync(name, body, version, Admin(http, options), cancellationToken).ConfigureAwait(false);
        return Answer(http, edit, created: false);
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext http, TemplateEditor editor, IOptions<AdminApiOptions> options, CancellationToken cancellationToken)
    {
        if (Precondition(http, out var version) is { } missing)
        {
            return missing;
        }

        var edit = await editor.DeleteAsync(name, version, Admin(http, options), cancellationToken).ConfigureAwait(false);
        return edit.Status == TemplateEditStatus.Saved ? TypedResults.NoContent() : Answer(http, edit, created: false);
    }

    private static IResult Answer(HttpContext http, TemplateEdit edit, bool created) => edit.Status switch
    {
        TemplateEditStatus.Saved when created => Created(http, edit.Template!, edit.Version!),
        TemplateEditStatus.Saved => Template(http, edit.Template!, edit.Version!),
        TemplateEditStatus.Invalid => TypedResults.ValidationProblem(
            edit.Errors!, title: "The template has errors", detail: "Nothing was saved. Every field error is listed under 'errors', keyed by the field's JSON path."),
        TemplateEditStatus.AlreadyExists => Problem(StatusCodes.Status409Conflict, "Template exists", "A template of that name exists; open it to change it."),
        TemplateEditStatus.NotFound or TemplateEditStatus.Stale => StaleProblem(edit.Status),
        _ => Unavailable(edit.Detail ?? "Try again shortly."),
    };

    private static IResult Template(HttpContext http, EmailTemplate template, string version)
    {
        http.Response.Headers.ETag = EntityTags.For(version);
        return TypedResults.Json(TemplateDocument.Of(template), AdminJsonContext.Default.TemplateDocument);
    }

    private static IResult Created(HttpContext http, EmailTemplate template, string version)
    {
        http.Response.Headers.ETag = EntityTags.For(version);
        http.Response.Headers.Location = $"{Route}/{Uri.EscapeDataString(template.Name)}";
        return TypedResults.Json(TemplateDocument.Of(template), AdminJsonContext.Default.TemplateDocument, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>428 without If-Match; 412 when it names no version this API issued.</summary>
    private static IResult? Precondition(HttpContext http, out string version)
    {
        version = "";
        var ifMatch = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return Problem(StatusCodes.Status428PreconditionRequired, "If-Match required",
                "Send the ETag of the version you read in If-Match, so that a change made since is not overwritten unseen.");
        }

        if (EntityTags.VersionIn(ifMatch) is not { } named)
        {
            return StaleProblem(TemplateEditStatus.Stale);
        }

        version = named;
        return null;
    }

    private static IResult StaleProblem(TemplateEditStatus status) => Problem(
        StatusCodes.Status412PreconditionFailed,
        "Changed since you read it",
        status == TemplateEditStatus.NotFound
            ? "The template was deleted since you read it. Nothing was saved."
            : "Someone changed the template since you read it. Nothing was saved: reload it, apply your change again, and save.");

    private static async Task<(JsonElement Body, IResult? Refused)> ReadJsonAsync(HttpContext http, int maxBytes, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !string.Equals(type.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (default, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type", $"Send the template as application/json; got '{http.Request.ContentType}'."));
        }

        if (await RequestBodies.ReadAsync(http, maxBytes, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return (default, Problem(StatusCodes.Status413PayloadTooLarge, "Body too large", $"A template is at most {maxBytes} bytes (setting {AdminApiOptions.SectionName}:MaxBodyBytes)."));
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            return (document.RootElement.Clone(), null);
        }
        catch (JsonException ex)
        {
            return (default, Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"{ex.Message} (line {ex.LineNumber}, byte {ex.BytePositionInLine})."));
        }
    }

    /// <summary>Storage trouble becomes a problem answer instead of a 500 with a stack trace.</summary>
    private static async ValueTask<object?> StorageProblemsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            return Unavailable($"Template storage cannot be reached ({ex.Message}). Nothing was changed; try again shortly.");
        }
        catch (InvalidContinuationTokenException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid continuation token", ex.Message);
        }
        catch (EmailTemplateInvalidException ex)
        {
            return Problem(StatusCodes.Status500InternalServerError, "Template row unreadable", $"{ex.Message} It was edited outside this API; mend the row in Storage Explorer.");
        }
    }

    private static IResult Unavailable(string detail) => Problem(StatusCodes.Status503ServiceUnavailable, "Not available now", detail);

    private static IResult NoSuchTemplate(string name) => Problem(StatusCodes.Status404NotFound, "No such template", $"No template is named '{name}'.");

    private static IResult PageSizeProblem() => TypedResults.ValidationProblem(
        new Dictionary<string, string[]> { ["page_size"] = ["page_size must be between 1 and 200."] }, title: "Invalid paging");

    private static int? PageSize(int? requested, IOptions<AdminApiOptions> options) => requested switch
    {
        null => options.Value.PageSize,
        >= 1 and <= 200 => requested,
        _ => null,
    };

    private static IResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    private static AdminIdentity Admin(HttpContext http, IOptions<AdminApiOptions> options) => AdminIdentity.From(http.User, options.Value.PermissionClaims);
}
