using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Foresight.Detection;

namespace Foresight.Evaluation.Detection;

/// <summary>
/// A NAB application profile (cost matrix): what a detection in a window earns, what a detection
/// outside costs, and what a missed window costs. NAB ships three: <see cref="Standard"/>,
/// <see cref="RewardLowFalsePositiveRate"/> and <see cref="RewardLowFalseNegativeRate"/>.
/// </summary>
/// <param name="Name">Profile name as NAB spells it (<c>standard</c>, <c>reward_low_FP_rate</c>, <c>reward_low_FN_rate</c>).</param>
/// <param name="TruePositiveWeight">A_TP, the worth of a window hit at its first row.</param>
/// <param name="FalsePositiveWeight">A_FP, the cost of a detection far from any window.</param>
/// <param name="FalseNegativeWeight">A_FN, the cost of a missed window.</param>
public sealed record NabProfile(string Name, double TruePositiveWeight, double FalsePositiveWeight, double FalseNegativeWeight)
{
    /// <summary>A_TP 1, A_FP 0.11, A_FN 1.</summary>
    public static NabProfile Standard { get; } = new("standard", 1.0, 0.11, 1.0);

    /// <summary>A_TP 1, A_FP 0.22, A_FN 1.</summary>
    public static NabProfile RewardLowFalsePositiveRate { get; } = new("reward_low_FP_rate", 1.0, 0.22, 1.0);

    /// <summary>A_TP 1, A_FP 0.11, A_FN 2.</summary>
    public static NabProfile RewardLowFalseNegativeRate { get; } = new("reward_low_FN_rate", 1.0, 0.11, 2.0);

    /// <summary>The three NAB profiles in NAB's order.</summary>
    public static IReadOnlyList<NabProfile> All { get; } = [Standard, RewardLowFalsePositiveRate, RewardLowFalseNegativeRate];
}

/// <summary>
/// The Numenta Anomaly Benchmark corpus (Lavin &amp; Ahmad, ICMLA 2015; Ahmad et al.,
/// Neurocomputing 2017): 58 labelled series with their anomaly windows and the application
/// profiles, read from NAB's own layout:
/// <c>data/&lt;category&gt;/&lt;file&gt;.csv</c> (<c>timestamp,value</c>, timestamps
/// <c>yyyy-MM-dd HH:mm:ss</c>), <c>labels/combined_windows.json</c> and <c>config/profiles.json</c>.
/// </summary>
/// <remarks>
/// Windows are resolved to row indices by exact timestamp match: each window end (written
/// <c>yyyy-MM-dd HH:mm:ss.ffffff</c>) must equal the timestamp of exactly one row of its file.
/// Files are ordered by relative path (ordinal).
/// </remarks>
public sealed class NabCorpus
{
    private readonly Dictionary<string, NabFile> _byPath;

    /// <summary>Creates a corpus from files built in code (tests, subsets); profiles default to NAB's three.</summary>
    /// <exception cref="ArgumentException">Two files share a relative path.</exception>
    public NabCorpus(IReadOnlyList<NabFile> files, IReadOnlyList<NabProfile>? profiles = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        Files = files.ToArray();
        Profiles = profiles?.ToArray() ?? NabProfile.All;
        _byPath = new Dictionary<string, NabFile>(StringComparer.Ordinal);
        foreach (var f in Files)
        {
            if (!_byPath.TryAdd(f.RelativePath, f)) throw new ArgumentException($"two files named {f.RelativePath}", nameof(files));
        }
        WindowCount = Files.Sum(f => f.ScoredWindowCount);
    }

    /// <summary>
    /// The development or held-out half of a corpus, for choosing parameters honestly: <c>dev</c> keeps
    /// the files at even positions (0, 2, …) of the list sorted by relative path (ordinal), <c>heldout</c>
    /// the odd positions, <c>all</c> every file. Windows and profiles are kept; the NAB score of a half
    /// is normalized by that half's windows.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="half"/> is not one of the three names.</exception>
    public static NabCorpus Half(NabCorpus corpus, string half)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(half);
        var parity = half switch
        {
            "all" => -1,
            "dev" => 0,
            "heldout" => 1,
            _ => throw new ArgumentException($"Unknown half '{half}'; expected all, dev or heldout.", nameof(half)),
        };
        if (parity < 0) return corpus;
        var sorted = corpus.Files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        return new NabCorpus(sorted.Where((_, i) => i % 2 == parity).ToList(), corpus.Profiles);
    }

    /// <summary>The files, ordered as given (by relative path when loaded).</summary>
    public IReadOnlyList<NabFile> Files { get; }

    /// <summary>The application profiles (from <c>config/profiles.json</c> when loaded).</summary>
    public IReadOnlyList<NabProfile> Profiles { get; }

    /// <summary>Windows that enter the score, over all files (116 in NAB).</summary>
    public int WindowCount { get; }

    /// <summary>Total rows over all files (365,558 in NAB).</summary>
    public int RowCount => Files.Sum(f => f.Length);

    /// <summary>The file with this relative path, or null.</summary>
    public NabFile? Find(string relativePath) => _byPath.GetValueOrDefault(relativePath);

    /// <summary>The profile with this name.</summary>
    /// <exception cref="ArgumentException">No such profile.</exception>
    public NabProfile Profile(string name) =>
        Profiles.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"no NAB profile '{name}' (known: {string.Join(", ", Profiles.Select(p => p.Name))})", nameof(name));

    /// <summary>Reads a NAB checkout (the folder holding <c>data/</c>, <c>labels/</c> and <c>config/</c>).</summary>
    /// <exception cref="FormatException">A file is malformed or the labels do not match the data; the message names file and line.</exception>
    /// <exception cref="IOException">A required file or folder is missing.</exception>
    public static NabCorpus Load(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var dataDir = Path.Combine(root, "data");
        var labelsPath = Path.Combine(root, "labels", "combined_windows.json");
        var profilesPath = Path.Combine(root, "config", "profiles.json");
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"{dataDir}: NAB data folder not found");
        if (!File.Exists(labelsPath)) throw new FileNotFoundException($"{labelsPath}: NAB windows file not found", labelsPath);
        if (!File.Exists(profilesPath)) throw new FileNotFoundException($"{profilesPath}: NAB profiles file not found", profilesPath);

        var windows = ReadWindows(labelsPath);
        var dataFiles = Directory.GetDirectories(dataDir)
            .SelectMany(d => Directory.GetFiles(d, "*.csv").Select(f => Path.GetFileName(d) + "/" + Path.GetFileName(f)))
            .Order(StringComparer.Ordinal).ToList();
        foreach (var key in windows.Keys)
        {
            if (!dataFiles.Contains(key)) throw new FormatException($"{labelsPath}: windows for {key}, which is not in {dataDir}");
        }
        var files = new NabFile[dataFiles.Count];
        try
        {
            Parallel.For(0, dataFiles.Count, i =>
            {
                var rel = dataFiles[i];
                if (!windows.TryGetValue(rel, out var spans)) throw new FormatException($"{labelsPath}: no entry for data file {rel}");
                files[i] = ReadFile(Path.Combine(dataDir, rel), rel, spans, labelsPath);
            });
        }
        catch (AggregateException ex)
        {
            ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }
        return new NabCorpus(files, ReadProfiles(profilesPath));
    }

    /// <summary>Parses a NAB timestamp (<c>yyyy-MM-dd HH:mm:ss</c>, optionally with <c>.ffffff</c>) as UTC Unix milliseconds.</summary>
    public static bool TryParseTimestamp(string text, out long unixMilliseconds)
    {
        unixMilliseconds = 0;
        if (!DateTime.TryParseExact(text.Trim(), TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)) return false;
        // Exact matching of windows needs the full precision: keep ticks' microseconds out of a ms rounding.
        if (t.Ticks % TimeSpan.TicksPerMillisecond != 0) return false;
        unixMilliseconds = new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeMilliseconds();
        return true;
    }

    /// <summary>Formats Unix milliseconds as NAB writes timestamps (<c>yyyy-MM-dd HH:mm:ss</c>).</summary>
    public static string FormatTimestamp(long unixMilliseconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static readonly string[] TimestampFormats = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.ffffff", "yyyy-MM-dd HH:mm:ss.fff"];

    private static NabFile ReadFile(string path, string relativePath, List<(string Start, string End)> spans, string labelsPath)
    {
        var timestamps = new List<long>();
        var values = new List<double>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                if (!line.Trim().Equals("timestamp,value", StringComparison.Ordinal)) throw new FormatException($"{path} line 1: expected the header 'timestamp,value', found '{line}'");
                continue;
            }
            if (string.IsNullOrWhiteSpace(line)) continue;
            var comma = line.IndexOf(',');
            if (comma < 0 || line.IndexOf(',', comma + 1) >= 0) throw new FormatException($"{path} line {lineNumber}: expected two fields 'timestamp,value', found '{line}'");
            var ts = line[..comma];
            var v = line[(comma + 1)..].Trim();
            if (!TryParseTimestamp(ts, out var t)) throw new FormatException($"{path} line {lineNumber}: '{ts}' is not a timestamp yyyy-MM-dd HH:mm:ss");
            if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new FormatException($"{path} line {lineNumber}: '{v}' is not a finite number");
            }
            timestamps.Add(t);
            values.Add(value);
        }
        if (values.Count == 0) throw new FormatException($"{path}: no rows");

        // Exact timestamp match; a timestamp that occurs twice (DST repeats in some files) cannot anchor a window.
        var rowOf = new Dictionary<long, int>(timestamps.Count);
        for (var i = 0; i < timestamps.Count; i++)
        {
            if (!rowOf.TryAdd(timestamps[i], i)) rowOf[timestamps[i]] = -1;
        }
        var windows = new List<NabWindow>(spans.Count);
        foreach (var (start, end) in spans)
        {
            var a = Resolve(start);
            var b = Resolve(end);
            if (b < a) throw new FormatException($"{labelsPath}: window [{start}, {end}] of {relativePath} ends before it starts");
            if (windows.Count > 0 && a <= windows[^1].End) throw new FormatException($"{labelsPath}: window [{start}, {end}] of {relativePath} overlaps or precedes the window before it");
            windows.Add(new NabWindow(a, b));
        }
        return new NabFile(relativePath, timestamps.ToArray(), values.ToArray(), windows);

        int Resolve(string text)
        {
            if (!TryParseTimestamp(text, out var t)) throw new FormatException($"{labelsPath}: window timestamp '{text}' of {relativePath} is not yyyy-MM-dd HH:mm:ss.ffffff");
            if (!rowOf.TryGetValue(t, out var row)) throw new FormatException($"{labelsPath}: window timestamp '{text}' of {relativePath} matches no row of {path}");
            if (row < 0) throw new FormatException($"{labelsPath}: window timestamp '{text}' of {relativePath} matches more than one row of {path}");
            return row;
        }
    }

    private static Dictionary<string, List<(string, string)>> ReadWindows(string path)
    {
        using var doc = ParseJson(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new FormatException($"{path}: expected an object mapping '<category>/<file>.csv' to windows");
        var result = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Array) throw new FormatException($"{path}: {entry.Name}: expected a list of [start, end] pairs");
            var spans = new List<(string, string)>();
            foreach (var pair in entry.Value.EnumerateArray())
            {
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
                {
                    throw new FormatException($"{path}: {entry.Name}: window {spans.Count} is not a [\"start\", \"end\"] pair");
                }
                spans.Add((pair[0].GetString()!, pair[1].GetString()!));
            }
            result[entry.Name.Replace('\\', '/')] = spans;
        }
        return result;
    }

    private static List<NabProfile> ReadProfiles(string path)
    {
        using var doc = ParseJson(path);
        var profiles = new List<NabProfile>();
        foreach (var entry in doc.RootElement.EnumerateObject())
        {
            if (!entry.Value.TryGetProperty("CostMatrix", out var m)) throw new FormatException($"{path}: profile '{entry.Name}' has no CostMatrix");
            profiles.Add(new NabProfile(entry.Name, Weight(m, "tpWeight"), Weight(m, "fpWeight"), Weight(m, "fnWeight")));

            double Weight(JsonElement matrix, string name) =>
                matrix.TryGetProperty(name, out var w) && w.ValueKind == JsonValueKind.Number
                    ? w.GetDouble()
                    : throw new FormatException($"{path}: profile '{entry.Name}' has no numeric {name}");
        }
        if (profiles.Count == 0) throw new FormatException($"{path}: no profiles");
        return profiles;
    }

    internal static JsonDocument ParseJson(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path} line {(ex.LineNumber ?? 0) + 1}: {ex.Message}", ex);
        }
    }
}
