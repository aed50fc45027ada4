using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Testing;

public static class EmailTemplateAdminExtensions
{
    /// <summary>
    /// Test setup: the template as given, whatever was there (create, else replace any version), recorded as changed
    /// by "test setup" now unless the template says who and when.
    /// </summary>
    public static async Task PutAsync(this IEmailTemplateAdmin templates, EmailTemplate template)
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(template);
        template = template with { ChangedBy = template.ChangedBy ?? "test setup", ChangedAt = template.ChangedAt ?? TimeProvider.System.GetUtcNow() };
        var created = await templates.CreateAsync(template, CancellationToken.None);
        if (created.Status == TemplateWriteStatus.AlreadyExists)
        {
            var replaced = await templates.ReplaceAsync(template, "*", CancellationToken.None);
            if (replaced.Status != TemplateWriteStatus.Saved)
            {
                throw new InvalidOperationException($"Template '{template.Name}' could not be written: {replaced.Status}.");
            }
        }
    }
}
