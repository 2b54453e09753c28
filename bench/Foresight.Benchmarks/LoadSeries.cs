using Foresight.Series;

namespace Foresight.Benchmarks;

/// <summary>
/// The series a load sends: node-exporter-like label sets (<c>instance</c>, <c>job</c>, <c>cpu</c>, <c>mode</c>,
/// <c>cluster</c>, <c>namespace</c>, <c>pod</c>, <c>node</c>, then <c>label_9</c>, ...), the first <c>labels - 1</c>
/// of them besides <c>__name__</c>; <c>instance</c> tells every series apart. With a label length, every value is padded
/// with <c>x</c> to at least that many characters (kube-state-metrics' pod and image labels run to hundreds).
/// </summary>
internal static class LoadSeries
{
    private static readonly string[] Names = ["instance", "job", "cpu", "mode", "cluster", "namespace", "pod", "node"];

    public static Labels[] Build(LoadOptions options) =>
        [.. Enumerable.Range(0, options.Series).Select(i => LabelsOf(i, options.LabelsPerSeries - 1, options.LabelLength))];

    private static Labels LabelsOf(int i, int count, int length)
    {
        var pairs = new (string, string)[count];
        for (var l = 0; l < count; l++)
        {
            var name = l < Names.Length ? Names[l] : $"label_{l + 2}";
            var value = name switch
            {
                "instance" => $"10.{i / 62_500}.{i / 250 % 250}.{i % 250}:9100",
                "job" => "node",
                "cpu" => (i % 16).ToString(),
                "mode" => "user",
                "cluster" => "prod-eu-1",
                "namespace" => $"ns-{i % 40}",
                "pod" => $"pod-{i}",
                "node" => $"node-{i / 100}",
                _ => $"value-{i % 100}",
            };
            pairs[l] = (name, value.Length < length ? value + new string('x', length - value.Length) : value);
        }
        return Labels.Of(pairs);
    }
}
