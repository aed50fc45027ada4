using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Integration.Functions.Summaries;

/// <summary>
/// The summaries' and usage route's JSON: camelCase, as the admin page's charts read it. Times are UTC
/// <see cref="DateTime"/>s, written with a <c>Z</c>.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DailySummary))]
[JsonSerializable(typeof(HubSpotUsageDocument))]
internal sealed partial class SummariesJsonContext : JsonSerializerContext;

/// <summary>
/// The answer of <c>GET /api/admin/hubspot/usage</c>: the portal's limits (the per-minute budget is
/// <see cref="RequestsPerTenSeconds"/> × 6) and the minutes of the window that had calls, summed across replicas.
/// </summary>
internal sealed record HubSpotUsageDocument(
    DateTime Since, DateTime Until, int RequestsPerTenSeconds, int BudgetPerMinute, int DailyLimit, IReadOnlyList<HubSpotUsageMinuteDocument> Minutes);

internal sealed record HubSpotUsageMinuteDocument(DateTime Minute, long Calls, long Throttled);
