using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Functions.Operations;

/// <summary>An endpoint filter of the admin API: storage out of reach is a 503 problem that says so, not a stack trace.</summary>
internal static class StorageProblems
{
    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (StorageUnavailableException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not available now", detail: $"Storage cannot be reached ({ex.Message}); try again shortly.");
        }
    }
}
