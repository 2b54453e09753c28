using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Foresight.Benchmarks;

/// <summary>
/// The options of <c>--remote-write-load</c> and <c>--soak</c>. Defaults are the issue-18 load (5,000 series of 9
/// labels, 2,000 samples per request as 500 series x 4 samples, 4 senders, 10 s), the shape of Prometheus' default
/// queue (<c>max_samples_per_send</c> 2,000) over a node-exporter-like label set.
/// </summary>
internal sealed record LoadOptions
{
    public string Url { get; init; } = "embedded";
    /// <summary>Path of the remote-write endpoint on <see cref="Url"/> (Prometheus and Foresight: <c>/api/v1/write</c>).</summary>
    public string WritePath { get; init; } = "/api/v1/write";
    public int Series { get; init; } = 5000;
    /// <summary>Labels per series, <c>__name__</c> included (at least 2: the name and one label that tells series apart).</summary>
    public int LabelsPerSeries { get; init; } = 9;
    /// <summary>Every label value is padded to at least this many characters (0: the natural values, 3 to 20 characters).</summary>
    public int LabelLength { get; init; }
    public int SamplesPerRequest { get; init; } = 2000;
    /// <summary>Consecutive samples of one series in one request (max-rate mode; scrape-like mode sends one).</summary>
    public int SamplesPerSeries { get; init; } = 4;
    public int Senders { get; init; } = 4;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Scrape-like mode: each series sends one sample per <see cref="Cadence"/>, requests spread over the interval.</summary>
    public bool ScrapeLike { get; init; }
    public TimeSpan Cadence { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>The receiver's process id: its resident memory is sampled during and after the load.</summary>
    public int? Pid { get; init; }
    /// <summary>After the load, sample the receiver's memory this long with no load.</summary>
    public TimeSpan IdleAfter { get; init; }
    /// <summary>Stop the load when the receiver's resident memory passes this many MB (a guard for a shared machine).</summary>
    public int? RssLimitMb { get; init; }
    /// <summary>How often memory (and, in the soak, everything else) is sampled.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Max-rate mode encodes its requests before the clock starts, enough for this many samples per second over <see cref="Duration"/>.</summary>
    public int MaxRate { get; init; } = 1_500_000;
    public bool Json { get; init; }
    /// <summary>A name for the receiver in the printed row and the JSON (e.g. <c>prometheus</c>, <c>foresight</c>).</summary>
    public string Label { get; init; } = "receiver";

    // Soak only.
    public bool Soak { get; init; }
    public TimeSpan? KillAt { get; init; }
    public string? OutDirectory { get; init; }
    /// <summary>The <c>foresight</c> command the soak starts (default: the Release CLI build beside this repository's bench).</summary>
    public string? ServerCommand { get; init; }
    /// <summary>Soak: read requests of each kind timed after the load (<see cref="QueryLatency"/>).</summary>
    public int Queries { get; init; } = 200;

    public int SeriesPerRequest => Math.Max(1, Math.Min(Series, SamplesPerRequest / (ScrapeLike ? 1 : SamplesPerSeries)));

    public const string Usage = """
        --remote-write-load URL|embedded [SECONDS] [SENDERS] [options]
        --soak [options]
          --series N             series (default 5000)
          --labels N             labels per series, __name__ included (default 9)
          --label-length N       pad every label value to at least N characters (default: natural values)
          --samples-per-request N  (default 2000)   --samples-per-series N  consecutive samples per series per request (default 4)
          --senders N            concurrent senders (default 4)
          --duration D           e.g. 15s, 30m (default 10s; SECONDS also sets it)
          --scrape-like          one sample per series per --cadence (default 15s), requests spread over the interval
          --cadence D
          --pid PID              sample the receiver's VmRSS (/proc/PID/status) during and after the load
          --idle-after D         then sample it this long with no load
          --sample-interval D    (default 5s)
          --rss-limit MB         stop the load when the receiver's VmRSS passes MB (the soak also kills the server)
          --max-rate N           max-rate mode pre-encodes enough requests for N samples/s (default 1500000)
          --path P               remote-write path (default /api/v1/write)
          --name NAME            the receiver's name in the output
          --json                 one JSON object on the last line of stdout
          --kill-at D            soak: SIGKILL the server at this time, restart it, measure time to /readyz
          --out DIR              soak: where soak.csv and soak.svg go (default ./soak-out)
          --server-command PATH  soak: the foresight executable or .dll (default: the Release build in this repository)
          --queries N            soak: reads of each kind timed after the load (default 200)
        """;

    /// <summary>Parses the arguments after the mode flag; <paramref name="error"/> says which argument is wrong.</summary>
    public static bool TryParse(string[] args, bool soak, [NotNullWhen(true)] out LoadOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        error = null;
        var o = new LoadOptions { Soak = soak, ScrapeLike = soak, Url = soak ? "" : "embedded" };
        var i = 1;
        if (!soak)
        {
            if (args.Length < 2 || args[1].StartsWith("--", StringComparison.Ordinal)) return Fail("--remote-write-load needs a URL (or 'embedded')", out error);
            o = o with { Url = args[1] };
            i = 2;
            // The older positional form: URL [SECONDS] [SENDERS].
            if (i < args.Length && int.TryParse(args[i], CultureInfo.InvariantCulture, out var seconds)) { o = o with { Duration = TimeSpan.FromSeconds(seconds) }; i++; }
            if (i < args.Length && int.TryParse(args[i], CultureInfo.InvariantCulture, out var senders)) { o = o with { Senders = senders }; i++; }
        }
        for (; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--json") { o = o with { Json = true }; continue; }
            if (name is "--scrape-like") { o = o with { ScrapeLike = true }; continue; }
            if (i + 1 >= args.Length) return Fail($"{name} needs a value", out error);
            var value = args[++i];
            var ok = name switch
            {
                "--series" => Int(value, 1, v => o = o with { Series = v }),
                "--labels" => Int(value, 2, v => o = o with { LabelsPerSeries = v }),
                "--label-length" => Int(value, 0, v => o = o with { LabelLength = v }),
                "--samples-per-request" => Int(value, 1, v => o = o with { SamplesPerRequest = v }),
                "--samples-per-series" => Int(value, 1, v => o = o with { SamplesPerSeries = v }),
                "--senders" => Int(value, 1, v => o = o with { Senders = v }),
                "--pid" => Int(value, 1, v => o = o with { Pid = v }),
                "--queries" => Int(value, 1, v => o = o with { Queries = v }),
                "--rss-limit" => Int(value, 1, v => o = o with { RssLimitMb = v }),
                "--max-rate" => Int(value, 1, v => o = o with { MaxRate = v }),
                "--duration" => Span(value, v => o = o with { Duration = v }),
                "--cadence" => Span(value, v => o = o with { Cadence = v }),
                "--idle-after" => Span(value, v => o = o with { IdleAfter = v }),
                "--sample-interval" => Span(value, v => o = o with { SampleInterval = v }),
                "--kill-at" => Span(value, v => o = o with { KillAt = v }),
                "--path" => Text(() => o = o with { WritePath = value }),
                "--name" => Text(() => o = o with { Label = value }),
                "--out" => Text(() => o = o with { OutDirectory = value }),
                "--server-command" => Text(() => o = o with { ServerCommand = value }),
                _ => (bool?)null,
            };
            if (ok is null) return Fail($"unknown option {name}", out error);
            if (ok is false) return Fail($"{name}: '{value}' is not valid (a count is a whole number, a duration looks like 500ms, 15s, 30m, 2h)", out error);
        }
        if (o.Duration <= TimeSpan.Zero || o.Cadence <= TimeSpan.Zero || o.SampleInterval <= TimeSpan.Zero) return Fail("--duration, --cadence and --sample-interval must be above 0", out error);
        if (o.KillAt is { } k && (k <= TimeSpan.Zero || k >= o.Duration)) return Fail($"--kill-at ({k}) must be inside --duration ({o.Duration})", out error);
        options = o;
        return true;
    }

    /// <summary><c>500ms</c>, <c>15s</c>, <c>30m</c>, <c>2h</c>, or a plain number of seconds.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        (string Unit, double Ms)[] units = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (unit, ms) in units)
        {
            if (!text.EndsWith(unit, StringComparison.Ordinal)) continue;
            if (!double.TryParse(text[..^unit.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n >= 0 && n < 1e9)) return false;
            value = TimeSpan.FromMilliseconds(n * ms);
            return true;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds >= 0 && seconds < 1e9)) return false;
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static bool Int(string text, int min, Action<int> set)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min) return false;
        set(v);
        return true;
    }

    private static bool Span(string text, Action<TimeSpan> set)
    {
        if (!TryParseDuration(text, out var v)) return false;
        set(v);
        return true;
    }

    private static bool Text(Action set)
    {
        set();
        return true;
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
