using Crm.Integration.Connectors.Storage;

namespace Crm.Integration.Testing;

public static class EmailTemplateAdminExtensions
{
    /// <summary>Test setup: the template as given, whatever was there (create, else replace any version).</summary>
    public static async Task PutAsync(this IEmailTemplateAdmin templates, EmailTemplate template)
    {
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
