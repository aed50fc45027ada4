using Crm.Integration.Connectors.HubSpot;

namespace Crm.Integration.Connectors.Tests.HubSpot;

public sealed class HubSpotEndpointsTests
{
    [Theory]
    [InlineData("https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert", "contacts.batch_upsert")]
    [InlineData("https://api.hubapi.com/crm/v3/objects/contacts/ada%40example.com?properties=email&idProperty=email", "contacts.read")]
    [InlineData("https://api.hubapi.com/events/v3/send", "events.send")]
    [InlineData("https://api.hubapi.com/marketing/v3/transactional/single-email/send", "emails.single_send")]
    [InlineData("https://api.hubapi.com/marketing/v3/email/send-statuses/abc-123", "emails.send_status")]
    [InlineData("https://api.hubapi.com/marketing/v3/emails/4242", "emails.read")]
    [InlineData("https://api.hubapi.com/oauth/v1/token", "oauth.token")]
    [InlineData("https://api.hubapi.com/crm/v3/owners", "other")]
    public void Of_EachPathTheHubCalls_AFixedNameWithoutIds(string uri, string expected) =>
        Assert.Equal(expected, HubSpotEndpoints.Of(new Uri(uri)));
}
