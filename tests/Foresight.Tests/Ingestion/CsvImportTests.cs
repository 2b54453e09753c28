using Foresight.Ingestion;
using Foresight.Series;

namespace Foresight.Tests.Ingestion;

public class CsvImportTests
{
    [Fact]
    public void Nab_files_become_one_series_with_utc_timestamps()
    {
        var import = new CsvImport("taxi", Labels.Of(("city", "nyc")));
        foreach (var line in new[] { "timestamp,value", "2014-07-01 00:00:00,10844", "2014-07-01 00:30:00,8127.5", "" })
        {
            import.TryAddLine(line, out var error).Should().BeTrue(error);
        }
        var batch = import.TakeBatch();
        batch.Should().ContainSingle();
        batch[0].Metric.Should().Be("taxi");
        batch[0].Labels.Should().Equal(Labels.Of(("city", "nyc")));
        batch[0].Points.Should().Equal(new Point(1404172800000, 10844), new Point(1404174600000, 8127.5));
        import.TakeBatch().Should().BeEmpty("the buffer was taken");
    }

    [Fact]
    public void Wide_files_become_a_series_per_column_and_empty_cells_are_gaps()
    {
        var import = new CsvImport("load", Labels.Empty);
        foreach (var line in new[] { "time,web,db", "1700000000,1,2", "1700000060,,4", "1700000120000,5," })
        {
            import.TryAddLine(line, out var error).Should().BeTrue(error);
        }
        var batch = import.TakeBatch();
        batch.Select(b => b.Labels.Get("column")).Should().Equal("web", "db");
        batch[0].Points.Should().Equal(new Point(1700000000000, 1), new Point(1700000120000, 5));
        batch[1].Points.Should().Equal(new Point(1700000000000, 2), new Point(1700000060000, 4));
    }

    [Theory]
    [InlineData("2014-07-01 00:00:00,abc", "line 2, column 'value': 'abc' is not a number")]
    [InlineData("yesterday,1", "line 2: 'yesterday' is not a timestamp")]
    [InlineData("2014-07-01 00:00:00,1,2", "line 2: expected 2 fields, found 3")]
    public void Bad_lines_are_reported_with_their_number(string line, string expected)
    {
        var import = new CsvImport("m", Labels.Empty);
        import.TryAddLine("timestamp,value", out _).Should().BeTrue();
        import.TryAddLine(line, out var error).Should().BeFalse();
        error.Should().StartWith(expected);
    }

    [Theory]
    [InlineData("2014-07-01T00:00:00Z", 1404172800000)]
    [InlineData("2014-07-01T02:00:00+02:00", 1404172800000)]
    [InlineData("1404172800", 1404172800000)]
    [InlineData("1404172800.5", 1404172800500)]
    [InlineData("1404172800000", 1404172800000)]
    public void Timestamps_in_common_forms_parse(string text, long expected)
    {
        CsvImport.TryParseTimestamp(text, out var ms).Should().BeTrue();
        ms.Should().Be(expected);
    }
}

public class CsvImportRangeTests
{
    [Theory]
    [InlineData("253402300799999", true)]    // 9999-12-31 23:59:59.999
    [InlineData("253402300800000", false)]
    [InlineData("99999999999999999", false)]
    [InlineData("1e300", false)]
    [InlineData("99999999999", true)]        // seconds: year 5138
    public void Numeric_timestamps_must_fall_in_years_1_to_9999(string text, bool valid) =>
        CsvImport.TryParseTimestamp(text, out _).Should().Be(valid);

    [Fact]
    public void A_number_past_the_year_9999_is_an_out_of_range_timestamp_not_a_header()
    {
        var import = new CsvImport("m", Labels.Empty);
        import.TryAddLine("99999999999999999,1", out var error).Should().BeFalse();
        error.Should().Be("line 1, column 'timestamp': '99999999999999999' is past the year 9999 as Unix milliseconds (timestamps must fall in years 1 to 9999)");
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_an_error_not_an_exception()
    {
        using var dir = new Support.TempDirectory();
        CsvImport.TryReadSeries(dir.Path, out _, out var error).Should().BeFalse();
        error.Should().EndWith("is a directory, not a CSV file");
    }
}
