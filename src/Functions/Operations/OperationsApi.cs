using System.Text.Json;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.Erasure;
using Crm.Integration.Functions.Retention;
using Crm.Integration.Functions.TemplatesAdmin;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Crm.Integration.Functions.Operations;

/// <summary>
/// Operations under <c>/api/admin</c>, for the operator permission only: the cleanup on demand, erasure of a person,
/// and their audit trail. Storage trouble is a 503 problem, not a stack trace.
/// </summary>
internal static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        var operations = app.MapGroup("/api/admin").RequireAuthorization(AdminPolicies.Operate).AddEndpointFilter(StorageProblems.FilterAsync);
        operations.MapPost("/retention/run", RunRetentionAsync);
        operations.MapDelete("/people/{id}", ErasePersonAsync);
        operations.MapGet("/operations/audit/{action}", AuditAsync);
        return app;
    }

    /// <summary>
    /// Runs the cleanup now and answers its report. <c>dryRun</c> defaults to true: deleting must be asked for. The run
    /// belongs to the host, not to the request: a client that goes away does not stop it half-way.
    /// </summary>
    private static async Task<IResult> RunRetentionAsync(
        [FromQuery] bool? dryRun, HttpContext http, NotificationsCleanup cleanup, IOptions<AdminApiOptions> options, IHostApplicationLifetime lifetime)
    {
        var admin = AdminIdentity.From(http.User, options.Value.PermissionClaims);
        var report = await cleanup.TryRunAsync(dryRun ?? true, occurrence: null, admin.AuditName, lifetime.ApplicationStopping).ConfigureAwait(false);
        return report is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A cleanup is running", detail: "Another run (scheduled, or asked for on another replica) holds the lease; try again when it has finished.")
            : TypedResults.Json(report, OperationsJsonContext.Default.RetentionReport);
    }

    /// <summary>200 when everything was erased; 503 when HubSpot could not be asked now and 502 when it refused (the rows are erased either way; asking again is safe).</summary>
    private static async Task<IResult> ErasePersonAsync(string id, HttpContext http, PersonErasure erasure, IOptions<AdminApiOptions> options, CancellationToken cancellationToken)
    {
        var (person, kind) = PersonReference.Parse(id);
        if (person is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a person",
                detail: "Name the person by email address or by Auth0 user id (provider|id, with the '|' written %7C in a URL).");
        }

        var result = await erasure.EraseAsync(person, kind, AdminIdentity.From(http.User, options.Value.PermissionClaims), cancellationToken).ConfigureAwait(false);
        var status = result.HubSpot != ErasureResult.HubSpotFailed ? StatusCodes.Status200OK
            : result.HubSpotTransient ? StatusCodes.Status503ServiceUnavailable
            : StatusCodes.Status502BadGateway;
        return TypedResults.Json(result, OperationsJsonContext.Default.ErasureResult, statusCode: status);
    }

    private static async Task<IResult> AuditAsync(string action, IOperationsAudit audit, [FromQuery] int? max, CancellationToken cancellationToken)
    {
        if (!OperationActions.All.Contains(action, StringComparer.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such action", detail: $"Audited actions: {string.Join(", ", OperationActions.All)}.");
        }

        var entries = await audit.RecentAsync(action, Math.Clamp(max ?? 50, 1, 500), cancellationToken).ConfigureAwait(false);
        var items = entries.Select(e => new OperationAuditEntry(e.By, e.At, e.Subject, Details(e.Details))).ToList();
        return TypedResults.Json(new OperationAuditDocument(action, items), OperationsJsonContext.Default.OperationAuditDocument);
    }

    private static JsonElement Details(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(json, OperationsJsonContext.Default.String); // cut by the row's bound: kept as text
        }
    }
}
