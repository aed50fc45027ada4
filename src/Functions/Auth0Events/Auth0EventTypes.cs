namespace Crm.Integration.Functions.Auth0Events;

/// <summary>The Auth0 log types the hub acts on, and what each is called in the ledger.</summary>
internal static class Auth0EventTypes
{
    public const string SuccessfulLogin = "s";
    public const string SuccessfulSignup = "ss";

    private static readonly Dictionary<string, string> NotificationTypes = new(StringComparer.Ordinal)
    {
        [SuccessfulLogin] = "user-login",
        [SuccessfulSignup] = "user-registration",
    };

    public static IEnumerable<string> Handled => NotificationTypes.Keys;

    public static bool IsHandled(string logType) => NotificationTypes.ContainsKey(logType);

    public static string? NotificationTypeOf(string logType) => NotificationTypes.GetValueOrDefault(logType);
}
