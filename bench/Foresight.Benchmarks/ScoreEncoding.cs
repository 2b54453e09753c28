using Foresight.Detection;
using Foresight.Evaluation.Detection;
using Foresight.Series.Chunks;
using Foresight.Server.Detection;

namespace Foresight.Benchmarks;

/// <summary>
/// <c>--score-chunks --data NAB [--decimals D]</c>: what the anomaly_score series costs the store. Scores every file of
/// a NAB checkout with the default ensemble (as <c>foresight eval nab</c> does), cuts each file's scores into chunks of
/// 240 points (the store's ChunkPoints) and encodes them with <see cref="ChunkCodec.Encode"/>, unrounded and rounded down to
/// D decimals as the detection pipeline stores them (<see cref="DetectionOptions.ScoreDecimals"/>, 4 by default); prints the bytes per point of each, how many
/// chunks took the decimal encoding, how many points the rounding moves across the 0.5 threshold, and the NAB scores
/// of the rounded scores beside the unrounded ones. Deterministic; the machine's load changes only the time.
/// </summary>
internal static class ScoreEncoding
{
    public const string Usage = "--score-chunks --data NAB_CHECKOUT [--decimals D (4)]";
    private const int ChunkPoints = 240;

    public static int Run(string[] args)
    {
        string? data = null;
        var decimals = new DetectionOptions().ScoreDecimals ?? 4;
        for (var i = 1; i < args.Length; i += 2)
        {
            if (i + 1 >= args.Length || (args[i] != "--data" && args[i] != "--decimals")
                || (args[i] == "--decimals" && (!int.TryParse(args[i + 1], out decimals) || decimals is < 0 or > 9)))
            {
                Console.Error.WriteLine($"--score-chunks: '{args[i]}' is not an option with a valid value.\n{Usage}");
                return 2;
            }
            if (args[i] == "--data") data = args[i + 1];
        }
        if (data is null)
        {
            Console.Error.WriteLine($"--score-chunks needs --data.\n{Usage}");
            return 2;
        }
        var corpus = NabCorpus.Load(data);
        var scores = NabEvaluation.Detect(corpus, () => Detectors.Create("ensemble"));
        var rounded = scores.ToDictionary(kv => kv.Key, kv => kv.Value.Select(s => DetectionOptions.StoredScore(s, decimals)).ToArray());
        long points = 0, rawBytes = 0, roundedBytes = 0, chunks = 0, decimalChunks = 0, crossed = 0;
        foreach (var file in corpus.Files)
        {
            var raw = scores[file.RelativePath];
            var round = rounded[file.RelativePath];
            for (var i = 0; i < raw.Length; i++) if (raw[i] >= 0.5 != round[i] >= 0.5) crossed++;
            // A chunk holds increasing timestamps: a row at or before the time of the last one kept (a few NAB files
            // repeat or go back) is left out, as a store keeping one point per timestamp in order would.
            var rows = new List<int>();
            for (var i = 0; i < file.Length; i++) if (rows.Count == 0 || file.Timestamps[i] > file.Timestamps[rows[^1]]) rows.Add(i);
            var timestamps = rows.Select(i => file.Timestamps[i]).ToArray();
            var rawValues = rows.Select(i => raw[i]).ToArray();
            var roundValues = rows.Select(i => round[i]).ToArray();
            for (var start = 0; start < rows.Count; start += ChunkPoints)
            {
                var n = Math.Min(ChunkPoints, rows.Count - start);
                var t = timestamps.AsSpan(start, n);
                rawBytes += ChunkCodec.Encode(t, rawValues.AsSpan(start, n)).Length;
                var chunk = ChunkCodec.Encode(t, roundValues.AsSpan(start, n));
                roundedBytes += chunk.Length;
                chunks++;
                if (ChunkHeader.Read(chunk).Encoding == ChunkValueEncoding.Decimal) decimalChunks++;
            }
            points += rows.Count;
        }
        Console.WriteLine($"{corpus.Files.Count} NAB files, {points:N0} scores stored (one per timestamp), chunks of {ChunkPoints} points");
        Console.WriteLine($"unrounded:      {(double)rawBytes / points,6:0.00} bytes/point ({rawBytes:N0} bytes)");
        Console.WriteLine($"{decimals} decimals:     {(double)roundedBytes / points,6:0.00} bytes/point ({roundedBytes:N0} bytes), {decimalChunks:N0} of {chunks:N0} chunks decimal-encoded");
        Console.WriteLine($"points moved across 0.5 by rounding: {crossed:N0}");
        var before = NabEvaluation.Score(corpus, "ensemble", scores);
        var after = NabEvaluation.Score(corpus, "ensemble", rounded);
        for (var i = 0; i < before.Optimized.Count; i++)
            Console.WriteLine($"NAB {before.Optimized[i].Profile,-20} unrounded {before.Optimized[i].Score,8:0.0000} (θ=0.5 {before.Fixed[i].Score,8:0.0000})  rounded {after.Optimized[i].Score,8:0.0000} (θ=0.5 {after.Fixed[i].Score,8:0.0000})");
        return 0;
    }
}
