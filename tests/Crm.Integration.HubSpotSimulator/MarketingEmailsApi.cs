using System.Globalization;
using System.Text.Json.Nodes;

namespace Crm.Integration.HubSpotSimulator;

/// <summary>
/// <c>GET /marketing/v3/emails/{emailId}</c>: the portal's emails are <see cref="SimulatorOptions.MarketingEmails"/>
/// (id → name); any other id is HubSpot's 404 <c>OBJECT_NOT_FOUND</c>. Counts against the rate budget like any CRM call.
/// </summary>
public static class MarketingEmailsApi
{
    public static void MapMarketingEmailsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/marketing/v3/emails/{emailId}", (string emailId, SimulatorSettings settings) =>
            long.TryParse(emailId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && settings.Current.MarketingEmails.TryGetValue(id.ToString(CultureInfo.InvariantCulture), out var name)
                ? Results.Json(new JsonObject
                {
                    ["id"] = emailId,
                    ["name"] = name,
                    ["type"] = "AUTOMATED_EMAIL",
                    ["state"] = id == TransactionalEmailApi.DisabledEmailId ? "AUTOMATED_DRAFT" : "AUTOMATED",
                })
                : HubSpotErrors.Error(404, "OBJECT_NOT_FOUND", $"No email with id {emailId} exists."));
}
