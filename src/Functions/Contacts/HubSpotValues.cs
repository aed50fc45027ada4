using System.Globalization;

namespace Crm.Integration.Functions.Contacts;

/// <summary>Values as HubSpot's property types take them, all as strings.</summary>
public static class HubSpotValues
{
    /// <summary>A date-time property: UTC epoch milliseconds.</summary>
    public static string DateTime(DateTimeOffset moment) =>
        moment.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>A date property: midnight UTC of the moment's UTC date, in epoch milliseconds (HubSpot rejects any other time).</summary>
    public static string Date(DateTimeOffset moment) =>
        new DateTimeOffset(moment.UtcDateTime.Date, TimeSpan.Zero).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
