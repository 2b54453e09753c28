using System.Reflection;
using Foresight.Series;

namespace Foresight.Tests.Architecture;

/// <summary>
/// The engine (<c>src/Foresight</c>, assembly Foresight.Engine) is a plain library: the HTTP server, the
/// stores, the evaluation and (later) ML.NET depend on it, never the other way round.
/// </summary>
public sealed class EngineDependencyTests
{
    private static readonly Assembly Engine = typeof(Point).Assembly;

    private static IReadOnlyList<string> References() =>
        Engine.GetReferencedAssemblies().Select(a => a.Name ?? "").OrderBy(n => n, StringComparer.Ordinal).ToList();

    private static bool Named(string reference, string name) =>
        reference.Equals(name, StringComparison.OrdinalIgnoreCase) || reference.StartsWith(name + ".", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void The_engine_is_the_assembly_under_test()
    {
        Engine.GetName().Name.Should().Be("Foresight.Engine");
        References().Should().Contain("YamlDotNet", "the engine reads the config file and the catalogs with it, so the list is the engine's own");
    }

    [Theory]
    [InlineData("Microsoft.AspNetCore", "ASP.NET Core belongs to Foresight.Server")]
    [InlineData("Microsoft.Extensions.Hosting", "hosting belongs to Foresight.Server")]
    [InlineData("Microsoft.Data.Sqlite", "the SQLite store is Foresight.Storage.Sqlite")]
    [InlineData("SQLitePCLRaw", "the SQLite store is Foresight.Storage.Sqlite")]
    [InlineData("System.Data.SQLite", "a database driver belongs to a store project")]
    [InlineData("Npgsql", "a database driver belongs to a store project")]
    [InlineData("Microsoft.Data.SqlClient", "a database driver belongs to a store project")]
    [InlineData("System.Data.SqlClient", "a database driver belongs to a store project")]
    [InlineData("MySqlConnector", "a database driver belongs to a store project")]
    [InlineData("Microsoft.EntityFrameworkCore", "a database driver belongs to a store project")]
    [InlineData("Microsoft.ML", "ML.NET belongs to its own project")]
    public void The_engine_does_not_reference(string assembly, string why) =>
        References().Where(r => Named(r, assembly)).Should().BeEmpty(why);

    [Fact]
    public void The_engine_references_no_other_foresight_assembly() =>
        References().Where(r => r.StartsWith("Foresight", StringComparison.OrdinalIgnoreCase)).Should()
            .BeEmpty("the server, the stores, the evaluation and the CLI (Foresight.Server, Foresight.Storage.*, Foresight.Evaluation, foresight) use the engine, not the reverse");
}
