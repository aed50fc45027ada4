using Crm.Integration.Functions.TemplatesAdmin;

namespace Crm.Integration.Functions.Tests.TemplatesAdmin;

public sealed class EntityTagsTests
{
    private const string StoreVersion = "W/\"datetime'2026-11-24T09%3A30%3A00.1234567Z'\"";

    [Fact]
    public void For_ThenVersionIn_GivesTheStoreVersionBack_AsAStrongTag()
    {
        var tag = EntityTags.For(StoreVersion);

        Assert.StartsWith("\"", tag, StringComparison.Ordinal);
        Assert.Equal(StoreVersion, EntityTags.VersionIn(tag));
        Assert.Equal("*", EntityTags.VersionIn("*"));
    }

    [Theory]
    [InlineData("weak")]
    [InlineData("unquoted")]
    [InlineData("not base64url")]
    [InlineData("several")]
    public void VersionIn_ATagThisApiDidNotIssue_IsNull(string kind)
    {
        var tag = EntityTags.For(StoreVersion);
        var header = kind switch
        {
            "weak" => "W/" + tag,
            "unquoted" => tag.Trim('"'),
            "not base64url" => "\"%%%\"",
            _ => tag + ", " + EntityTags.For("other"),
        };

        Assert.Null(EntityTags.VersionIn(header));
    }
}
