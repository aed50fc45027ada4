using System.Diagnostics;
using Crm.Integration.Functions.Hosting;

namespace Crm.Integration.Functions.Tests.Hosting;

public sealed class PersonalDataRedactorTests
{
    [Theory]
    [InlineData("https://api.hubapi.com/crm/v3/objects/contacts/ada%40example.com?idProperty=email", "https://api.hubapi.com/crm/v3/objects/contacts/{id}?idProperty=email")]
    [InlineData("/crm/v3/objects/contacts/12345", "/crm/v3/objects/contacts/{id}")]
    [InlineData("/crm/v3/objects/contacts/batch/upsert", "/crm/v3/objects/contacts/batch/upsert")]
    [InlineData("https://tenant.eu.auth0.com/api/v2/users/auth0%7C42", "https://tenant.eu.auth0.com/api/v2/users/{id}")]
    [InlineData("Contact ada@example.com rejected", "Contact <email> rejected")]
    [InlineData("to ada%40example.com", "to <email>")]
    public void Redact_PersonInText_Replaced(string text, string expected) => Assert.Equal(expected, PersonalDataRedactor.Redact(text));

    [Fact]
    public void OnEnd_EmailInNameAndTags_LeavesWithout()
    {
        using var activity = new Activity("GET /crm/v3/objects/contacts/ada@example.com").Start();
        activity.SetTag("url.full", "https://api.hubapi.com/crm/v3/objects/contacts/ada%40example.com");
        activity.SetTag("note", "sent to grace@example.org");
        activity.SetTag("count", 3);
        activity.Stop();

        using var redactor = new PersonalDataRedactor();
        redactor.OnEnd(activity);

        Assert.Equal("GET /crm/v3/objects/contacts/{id}", activity.DisplayName);
        Assert.Equal("https://api.hubapi.com/crm/v3/objects/contacts/{id}", activity.GetTagItem("url.full"));
        Assert.Equal("sent to <email>", activity.GetTagItem("note"));
        Assert.Equal(3, activity.GetTagItem("count"));
    }
}
