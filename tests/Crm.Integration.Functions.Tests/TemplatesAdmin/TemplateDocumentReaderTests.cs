using System.Text.Json;
using Crm.Integration.Connectors.Storage;
using Crm.Integration.Functions.TemplatesAdmin;

namespace Crm.Integration.Functions.Tests.TemplatesAdmin;

public sealed class TemplateDocumentReaderTests
{
    [Fact]
    public void Read_AFullTemplate_KeepsEveryField_AndNormalisesAddresses()
    {
        var template = Read("""
            {"name":"welcome.v2","hubspot_email_id":"4242","from":"Team <team@platform.example>","reply_to":[" Help@Platform.example "],
             "cc":[],"bcc":null,"contact_properties":[{"name":"firstname","required":true}],
             "custom_properties":[{"name":"activationUrl"},{"name":"_promo","required":false}],"description":"  Sent after signup  ",
             "last_changed_by":"ignored","last_changed_at":"2026-01-01T00:00:00Z"}
            """, null, out var errors);

        Assert.Empty(errors);
        Assert.NotNull(template);
        Assert.Equal(("welcome.v2", 4242L, "Team <team@platform.example>", "Sent after signup"), (template.Name, template.HubSpotEmailId, template.From, template.Description));
        Assert.Equal(["help@platform.example"], template.ReplyTo);
        Assert.Equal([new TemplateProperty("activationUrl", false), new TemplateProperty("_promo", false)], template.CustomProperties);
        Assert.Null(template.ChangedBy);
    }

    [Fact]
    public void Read_ForAReplace_TakesTheNameFromTheAddress_WhenTheBodyLeavesItOut()
    {
        var template = Read("""{"hubspot_email_id":7}""", "welcome", out var errors);

        Assert.Empty(errors);
        Assert.Equal("welcome", template!.Name);
    }

    [Fact]
    public void Read_ForAReplace_AnAddressNameNoTemplateCanHave_IsAFieldError()
    {
        var template = Read("""{"hubspot_email_id":7}""", "no spaces allowed", out var errors);

        Assert.Null(template);
        Assert.Contains("letters, digits", errors["name"][0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"hubspot_email_id":7}""", "name", "A template name is required.")]
    [InlineData("""{"name":"a","hubspot_email_id":1.5}""", "hubspot_email_id", "positive whole number")]
    [InlineData("""{"name":"a","hubspot_email_id":"12a"}""", "hubspot_email_id", "positive whole number")]
    [InlineData("""{"name":"a"}""", "hubspot_email_id", "is required")]
    [InlineData("""{"name":"a","hubspot_email_id":1,"from":"Team <nope>"}""", "from", "not an email address")]
    [InlineData("""{"name":"a","hubspot_email_id":1,"bcc":["x@platform.example","X@platform.example"]}""", "bcc[1]", "listed twice")]
    [InlineData("""{"name":"a","hubspot_email_id":1,"contact_properties":["firstname"]}""", "contact_properties[0]", "Each property is an object")]
    [InlineData("""{"name":"a","hubspot_email_id":1,"contact_properties":[{"name":"first-name"}]}""", "contact_properties[0].name", "lower-case letters")]
    [InlineData("""{"name":"a","hubspot_email_id":1,"custom_properties":[{"name":"x","required":true,"default":"y"}]}""", "custom_properties[0].default", "only name and required")]
    [InlineData("""{"name":"a","hubspot_email_id":1,"description":42}""", "description", "must be a string")]
    [InlineData("""[]""", "", "JSON object")]
    public void Read_AFieldError_IsKeyedByTheFieldsPath_AndNothingIsReturned(string json, string field, string said)
    {
        var template = Read(json, null, out var errors);

        Assert.Null(template);
        Assert.True(errors.ContainsKey(field), $"expected an error for '{field}', got: {string.Join(", ", errors.Keys)}");
        Assert.Contains(errors[field], message => message.Contains(said, StringComparison.Ordinal));
    }

    [Fact]
    public void Read_TooManyAddressesOrATooLongDescription_AreRefusedWithTheLimit()
    {
        var addresses = string.Join(",", Enumerable.Range(0, TemplateDocumentReader.MaxAddresses + 1).Select(i => $"\"a{i}@platform.example\""));
        var json = $$"""{"name":"a","hubspot_email_id":1,"cc":[{{addresses}}],"description":"{{new string('d', TemplateDocumentReader.MaxDescriptionLength + 1)}}"}""";

        Read(json, null, out var errors);

        Assert.Contains("at most 20", errors["cc"][0], StringComparison.Ordinal);
        Assert.Contains("at most 1000", errors["description"][0], StringComparison.Ordinal);
    }

    private static EmailTemplate? Read(string json, string? nameInPath, out Dictionary<string, string[]> errors)
    {
        using var document = JsonDocument.Parse(json);
        return TemplateDocumentReader.Read(document.RootElement, nameInPath, out errors);
    }
}
