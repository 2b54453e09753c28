namespace Foresight.Tests.Support;

public class RequiresBinaryFactAttributeTests
{
    [Fact]
    public void A_missing_binary_skips_with_an_install_hint_except_in_ci()
    {
        var attribute = new RequiresBinaryFactAttribute("foresight-no-such-binary");

        RequiresBinaryFactAttribute.Find("foresight-no-such-binary").Should().BeNull();
        if (RequiresBinaryFactAttribute.IsCi)
        {
            attribute.Skip.Should().BeNull("CI must fail loudly rather than skip");
        }
        else
        {
            attribute.Skip.Should().Be("'foresight-no-such-binary' is not installed (looked in /usr/bin, /usr/sbin, /usr/local/bin and PATH); "
                + "install it (Debian: apt-get install foresight-no-such-binary) to run this test");
            attribute.DisplayName.Should().Be("RequiresBinaryFactAttributeTests.A_missing_binary_skips_with_an_install_hint_except_in_ci (skipped: "
                + attribute.Skip + ")", "dotnet test's default output shows a skipped test's name, not its reason");
        }
        FluentActions.Invoking(() => RequiresBinaryFactAttribute.Locate("foresight-no-such-binary"))
            .Should().Throw<InvalidOperationException>().WithMessage("*apt-get install foresight-no-such-binary*");
    }

    [Fact]
    public void A_present_binary_is_found_and_runs() =>
        new RequiresBinaryFactAttribute("sh").Skip.Should().BeNull();
}
