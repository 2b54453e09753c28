using System.Globalization;
using System.Text;
using Foresight.Scaling;

namespace Foresight.Evaluation.Scaling;

/// <summary>
/// Draws a replay as an SVG a browser opens: one panel per policy, each with the demand (grey
/// area), the policy's ready capacity (a line) and the time it was under-provisioned (red marks
/// along the bottom). Long traces are reduced to one column per pixel: the demand's maximum and
/// the capacity's minimum within the column, so a shortfall is never smoothed away.
/// </summary>
public static class ScalingPlot
{
    private const int Width = 1200, PanelHeight = 170, Left = 70, Right = 20, Top = 40, Gap = 36;
    private static readonly string[] Colors = ["#d62728", "#1f77b4", "#7f7f7f", "#2ca02c", "#9467bd"];

    /// <summary>An SVG document for <paramref name="report"/>, titled with <paramref name="title"/>.</summary>
    public static string Svg(ScalingReport report, string title)
    {
        var n = report.Demand.Length;
        var plotWidth = Width - Left - Right;
        var columns = Math.Max(1, Math.Min(plotWidth, n));
        var height = Top + report.Policies.Count * (PanelHeight + Gap) + 10;
        var yMax = report.Demand.Max();
        foreach (var p in report.Policies) yMax = Math.Max(yMax, p.ReadyReplicas.Max() * report.ReplicaCapacity);
        yMax = Math.Max(yMax, 1e-9) * 1.05;

        var svg = new StringBuilder();
        svg.Append(Inv($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Inv($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(Inv($"<text x=\"{Left}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}: demand (grey) against ready capacity, {n} steps of {report.Step / 60000.0:0.##} min, {report.ReplicaCapacity:G4} per replica</text>\n"));

        // Column reductions shared by every panel.
        var demandMax = new double[columns];
        var firstStep = new int[columns + 1];
        for (var c = 0; c <= columns; c++) firstStep[c] = (int)((long)c * n / columns);
        for (var c = 0; c < columns; c++)
        {
            var m = double.NegativeInfinity;
            for (var t = firstStep[c]; t < Math.Max(firstStep[c + 1], firstStep[c] + 1) && t < n; t++) m = Math.Max(m, report.Demand[t]);
            demandMax[c] = m;
        }

        for (var i = 0; i < report.Policies.Count; i++)
        {
            var policy = report.Policies[i];
            var top = Top + i * (PanelHeight + Gap);
            double Y(double v) => top + PanelHeight - v / yMax * PanelHeight;
            double X(int c) => Left + (double)c * plotWidth / columns;
            var color = Colors[i % Colors.Length];

            svg.Append(Inv($"<text x=\"{Left}\" y=\"{top - 8}\" font-weight=\"bold\" fill=\"{color}\">{Escape(policy.Name)}</text>"));
            svg.Append(Inv($"<text x=\"{Left + 110}\" y=\"{top - 8}\" fill=\"#333\">under-provisioned {policy.UnderProvisionedMinutes:0} min ({policy.UnderProvisionedSteps} steps), unserved {policy.UnservedShare:0.###%}, {policy.ReplicaHours:0} replica-hours, utilization {policy.MeanUtilization:0.#%}, {policy.ScalingActions} scaling actions</text>\n"));
            svg.Append(Inv($"<rect x=\"{Left}\" y=\"{top}\" width=\"{plotWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#ccc\"/>\n"));
            svg.Append(Inv($"<text x=\"{Left - 6}\" y=\"{top + 10}\" text-anchor=\"end\" fill=\"#666\">{yMax:G3}</text><text x=\"{Left - 6}\" y=\"{top + PanelHeight}\" text-anchor=\"end\" fill=\"#666\">0</text>\n"));

            var area = new StringBuilder(Inv($"M{Left},{top + PanelHeight}"));
            var line = new StringBuilder();
            var marks = new StringBuilder();
            for (var c = 0; c < columns; c++)
            {
                var minReady = int.MaxValue;
                var isShort = false;
                for (var t = firstStep[c]; t < Math.Max(firstStep[c + 1], firstStep[c] + 1) && t < n; t++)
                {
                    minReady = Math.Min(minReady, policy.ReadyReplicas[t]);
                    if (report.Demand[t] > policy.ReadyReplicas[t] * report.ReplicaCapacity * (1 + 1e-12)) isShort = true;
                }
                var x0 = X(c);
                var x1 = X(c + 1);
                area.Append(Inv($" L{x0:0.#},{Y(demandMax[c]):0.#} L{x1:0.#},{Y(demandMax[c]):0.#}"));
                var y = Y(minReady * report.ReplicaCapacity);
                line.Append(Inv($"{(c == 0 ? "M" : " L")}{x0:0.#},{y:0.#} L{x1:0.#},{y:0.#}"));
                if (isShort) marks.Append(Inv($"<rect x=\"{x0:0.#}\" y=\"{top + PanelHeight - 6}\" width=\"{Math.Max(1, x1 - x0):0.#}\" height=\"6\" fill=\"#d62728\"/>"));
            }
            area.Append(Inv($" L{Left + plotWidth},{top + PanelHeight} Z"));
            svg.Append(Inv($"<path d=\"{area}\" fill=\"#bbb\" stroke=\"none\"/>\n"));
            svg.Append(Inv($"<path d=\"{line}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.2\"/>\n"));
            svg.Append(marks).Append('\n');
        }

        var start = DateTimeOffset.FromUnixTimeMilliseconds(report.Timestamps[0]).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var end = DateTimeOffset.FromUnixTimeMilliseconds(report.Timestamps[^1] + report.Step).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        svg.Append(Inv($"<text x=\"{Left}\" y=\"{height - 4}\" fill=\"#666\">{start} UTC</text><text x=\"{Width - Right}\" y=\"{height - 4}\" text-anchor=\"end\" fill=\"#666\">{end} UTC; red marks: demand above ready capacity</text>\n"));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
