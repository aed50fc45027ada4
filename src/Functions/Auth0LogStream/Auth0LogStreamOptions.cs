using System.ComponentModel.DataAnnotations;

namespace Crm.Integration.Functions.Auth0LogStream;

/// <summary>The Auth0 log-stream webhook. Bound from the <c>Auth0LogStream</c> configuration section.</summary>
public sealed class Auth0LogStreamOptions
{
    public const string SectionName = "Auth0LogStream";

    /// <summary>Largest body accepted; larger ones are answered 413. Auth0 sends at most 100 events per batch.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// Log types put on the queue (the rest are acknowledged and counted). Each must have a handler: <c>s</c> (login) and
    /// <c>ss</c> (signup).
    /// </summary>
    [Required]
    [MinLength(1)]
    public string[] ForwardedTypes { get; set; } = ["s", "ss"];

    /// <summary>
    /// After the token in the secret store changes, the previous one is still accepted this long, so that deliveries do
    /// not fail while Auth0's stream setting is changed to the new token. Zero: only the current token.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan PreviousTokenGracePeriod { get; set; } = TimeSpan.FromHours(1);
}
