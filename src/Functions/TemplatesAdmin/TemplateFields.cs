namespace Crm.Integration.Functions.TemplatesAdmin;

/// <summary>The JSON field names of a template in the admin API; field errors are keyed by them.</summary>
internal static class TemplateFields
{
    public const string Name = "name";
    public const string HubSpotEmailId = "hubspot_email_id";
    public const string From = "from";
    public const string ReplyTo = "reply_to";
    public const string Cc = "cc";
    public const string Bcc = "bcc";
    public const string ContactProperties = "contact_properties";
    public const string CustomProperties = "custom_properties";
    public const string Description = "description";
    public const string LastChangedBy = "last_changed_by";
    public const string LastChangedAt = "last_changed_at";
}
