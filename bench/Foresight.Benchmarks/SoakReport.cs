using System.Globalization;
using System.Text;

namespace Foresight.Benchmarks;

/// <summary>The soak's rows as CSV, and an SVG of resident memory (with the GC heap) and write p99 over time, written by hand.</summary>
internal static class SoakReport
{
    private const int Width = 900;
    private const int PanelHeight = 220;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 40;
    private const int Gap = 60;

    public static void WriteCsv(string path, IReadOnlyList<SoakRow> rows)
    {
        var sb = new StringBuilder("seconds,rss_mb,gc_heap_mb,p50_ms,p99_ms,max_ms,requests,failures,acked_samples,queued_requests,detection_pending_points,detection_shed_points,scored_points\n");
        foreach (var r in rows)
        {
            sb.AppendJoin(',', [F(r.Seconds), F(r.RssMb), F(r.GcHeapMb), F(r.P50Ms), F(r.P99Ms), F(r.MaxMs), F(r.Requests), F(r.Failures),
                F(r.AckedSamples), F(r.QueuedRequests), F(r.DetectionPendingPoints), F(r.DetectionShedPoints), F(r.ScoredPoints)]).Append('\n');
        }
        File.WriteAllText(path, sb.ToString());
    }

    public static void WriteSvg(string path, IReadOnlyList<SoakRow> rows, double? killedAt, double? readyAt, LoadOptions o)
    {
        var height = Top + 2 * PanelHeight + Gap + 50;
        var tMax = Math.Max(1, rows.Count == 0 ? 1 : rows[^1].Seconds);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" font-size=\"14\">Foresight soak: {o.Series:N0} series every {o.Cadence.TotalSeconds:0.###} s, {o.Duration.TotalMinutes:0.#} min</text>\n");
        var up = rows.Where(r => r.RssMb > 0).ToList();
        Panel(sb, Top, "resident memory (MB)", tMax, killedAt, readyAt,
            [("VmRSS", "#1f77b4", up.Select(r => (r.Seconds, r.RssMb)).ToList()), ("GC heap", "#ff7f0e", up.Select(r => (r.Seconds, r.GcHeapMb)).ToList())]);
        Panel(sb, Top + PanelHeight + Gap, "write latency per interval (ms)", tMax, killedAt, readyAt,
            [("p99", "#d62728", rows.Where(r => double.IsFinite(r.P99Ms)).Select(r => (r.Seconds, r.P99Ms)).ToList()),
             ("p50", "#2ca02c", rows.Where(r => double.IsFinite(r.P50Ms)).Select(r => (r.Seconds, r.P50Ms)).ToList())]);
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (Width - Left - Right) / 2}\" y=\"{height - 10}\" text-anchor=\"middle\">seconds since start</text>\n");
        sb.Append("</svg>\n");
        File.WriteAllText(path, sb.ToString());
    }

    private static void Panel(StringBuilder sb, int top, string title, double tMax, double? killedAt, double? readyAt,
        IReadOnlyList<(string Name, string Color, List<(double T, double V)> Points)> lines)
    {
        var w = Width - Left - Right;
        var vMax = NiceCeiling(lines.SelectMany(l => l.Points).Select(p => p.V).DefaultIfEmpty(1).Max());
        double X(double t) => Left + t / tMax * w;
        double Y(double v) => top + PanelHeight - v / vMax * PanelHeight;
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{top - 8}\" font-weight=\"bold\">{title}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{top}\" width=\"{w}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#999\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var v = vMax * i / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + w}\" y1=\"{Y(v):0.0}\" y2=\"{Y(v):0.0}\" stroke=\"#eee\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(v) + 4:0.0}\" text-anchor=\"end\">{v:0.##}</text>\n");
            var t = tMax * i / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(t):0.0}\" y=\"{top + PanelHeight + 16}\" text-anchor=\"middle\">{t:0}</text>\n");
        }
        if (killedAt is { } k)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(k):0.0}\" x2=\"{X(k):0.0}\" y1=\"{top}\" y2=\"{top + PanelHeight}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(k) + 4:0.0}\" y=\"{top + 14}\">kill -9</text>\n");
            if (readyAt is { } r) sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(r):0.0}\" x2=\"{X(r):0.0}\" y1=\"{top}\" y2=\"{top + PanelHeight}\" stroke=\"#090\" stroke-dasharray=\"2 3\"/>\n");
        }
        var legendX = Left + w - 10;
        for (var i = 0; i < lines.Count; i++)
        {
            var (name, color, points) = lines[i];
            if (points.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"");
                sb.AppendJoin(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.T):0.0},{Y(p.V):0.0}")));
                sb.Append("\"/>\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{legendX}\" y=\"{top + 16 + 14 * i}\" text-anchor=\"end\" fill=\"{color}\">{name}</text>\n");
        }
    }

    /// <summary>The smallest of 1, 2 or 5 times a power of ten at or above <paramref name="v"/> (an axis' top).</summary>
    private static double NiceCeiling(double v)
    {
        if (!(v > 0)) return 1;
        var p = Math.Pow(10, Math.Floor(Math.Log10(v)));
        foreach (var m in new[] { 1.0, 2, 5, 10 })
        {
            if (m * p >= v) return m * p;
        }
        return 10 * p;
    }

    private static string F(double v) => double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "";
}
