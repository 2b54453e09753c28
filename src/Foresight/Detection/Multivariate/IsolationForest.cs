using Foresight.Detection.State;

namespace Foresight.Detection.Multivariate;

/// <summary>
/// Isolation forest (Liu, Ting &amp; Zhou, "Isolation Forest", ICDM 2008): an ensemble of random
/// binary trees, each grown on a sub-sample of ψ points by splitting a random feature at a random
/// value between its min and max, until a point is isolated or the height limit ⌈log2 ψ⌉ is hit.
/// Anomalies are isolated in few splits; the score of x is s(x) = 2^(−E[h(x)]/c(ψ)), with
/// c(n) = 2H(n−1) − 2(n−1)/n the average path length of an unsuccessful binary search tree lookup.
/// s near 1: anomalous; well below 0.5: normal. Deterministic for a given seed.
/// One adaptation for scoring points the forest was not grown on: each node keeps the range of its
/// split feature among its rows, and a point outside that range is isolated right there (plain
/// iForest would send it down the outermost branch and score it like a boundary point).
/// </summary>
public sealed class IsolationForest
{
    private readonly Node[][] _trees;
    private readonly double _normalizer;

    private IsolationForest(Node[][] trees, double normalizer)
    {
        _trees = trees;
        _normalizer = normalizer;
    }

    /// <summary>Features per point.</summary>
    public int Dimensions { get; private init; }

    /// <summary>
    /// Grows a forest on <paramref name="points"/> (rows of equal length): <paramref name="trees"/>
    /// trees (paper default 100), each on a sub-sample of <paramref name="sampleSize"/> rows (default 256).
    /// </summary>
    public static IsolationForest Fit(IReadOnlyList<double[]> points, int trees = 100, int sampleSize = 256, int seed = 17)
    {
        if (points.Count == 0) throw new ArgumentException("at least one point is needed", nameof(points));
        var dims = points[0].Length;
        var random = new Random(seed);
        var psi = Math.Min(sampleSize, points.Count);
        var heightLimit = (int)Math.Ceiling(Math.Log2(Math.Max(psi, 2)));
        var forest = new Node[trees][];
        var sample = new int[psi];
        for (var t = 0; t < trees; t++)
        {
            for (var i = 0; i < psi; i++) sample[i] = random.Next(points.Count);
            var nodes = new List<Node>();
            Grow(points, sample.AsSpan(), dims, 0, heightLimit, random, nodes);
            forest[t] = [.. nodes];
        }
        return new IsolationForest(forest, AveragePathLength(psi)) { Dimensions = dims };
    }

    /// <summary>The anomaly score s(x) in (0, 1].</summary>
    public double Score(ReadOnlySpan<double> x)
    {
        if (x.Length != Dimensions) throw new ArgumentException($"expected {Dimensions} features, got {x.Length}", nameof(x));
        var total = 0.0;
        foreach (var tree in _trees) total += PathLength(tree, x);
        var mean = total / _trees.Length;
        return Math.Pow(2, -mean / _normalizer);
    }

    /// <summary>c(n): the average path length of an unsuccessful search in a binary search tree of n points.</summary>
    public static double AveragePathLength(int n)
    {
        if (n <= 1) return 0;
        if (n == 2) return 1;
        var harmonic = Math.Log(n - 1) + 0.5772156649015329;
        return 2 * harmonic - 2.0 * (n - 1) / n;
    }

    private static double PathLength(Node[] tree, ReadOnlySpan<double> x)
    {
        var index = 0;
        var depth = 0;
        while (true)
        {
            var node = tree[index];
            if (node.Feature < 0) return depth + AveragePathLength(node.Size);
            var v = x[node.Feature];
            if (v < node.Min || v > node.Max) return depth + 1;
            index = v < node.Split ? node.Left : node.Right;
            depth++;
        }
    }

    /// <summary>Grows the subtree over <paramref name="rows"/> (reordered in place) and returns its index.</summary>
    private static int Grow(IReadOnlyList<double[]> points, Span<int> rows, int dims, int depth, int limit, Random random, List<Node> nodes)
    {
        var index = nodes.Count;
        nodes.Add(default);
        if (depth >= limit || rows.Length <= 1)
        {
            nodes[index] = new Node(-1, 0, 0, 0, rows.Length, 0, 0);
            return index;
        }
        // Pick a feature that varies among these rows (try each feature at most once).
        var start = random.Next(dims);
        for (var k = 0; k < dims; k++)
        {
            var f = (start + k) % dims;
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (var r in rows)
            {
                var v = points[r][f];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            if (!(max > min)) continue;
            var split = min + random.NextDouble() * (max - min);
            var lo = 0;
            for (var i = 0; i < rows.Length; i++)
            {
                if (points[rows[i]][f] < split) (rows[lo], rows[i]) = (rows[i], rows[lo++]);
            }
            var left = Grow(points, rows[..lo], dims, depth + 1, limit, random, nodes);
            var right = Grow(points, rows[lo..], dims, depth + 1, limit, random, nodes);
            nodes[index] = new Node(f, split, left, right, rows.Length, min, max);
            return index;
        }
        nodes[index] = new Node(-1, 0, 0, 0, rows.Length, 0, 0);
        return index;
    }

    /// <summary>Writes the grown forest, node by node (leaves carry only their size).</summary>
    internal void WriteState(BinaryWriter writer)
    {
        writer.Write(Dimensions);
        writer.Write(_normalizer);
        writer.Write(_trees.Length);
        foreach (var tree in _trees)
        {
            writer.Write(tree.Length);
            foreach (var node in tree)
            {
                writer.Write7BitEncodedInt(node.Feature + 1);
                writer.Write7BitEncodedInt(node.Size);
                if (node.Feature < 0) continue;
                writer.Write(node.Split);
                writer.Write(node.Min);
                writer.Write(node.Max);
                writer.Write7BitEncodedInt(node.Left);
                writer.Write7BitEncodedInt(node.Right);
            }
        }
    }

    /// <summary>Reads a forest written by <see cref="WriteState"/> over points of <paramref name="dimensions"/> features.</summary>
    internal static IsolationForest ReadState(BinaryReader reader, int dimensions)
    {
        reader.ExpectSetting(dimensions, "number of features");
        var normalizer = reader.ReadDouble();
        var trees = new Node[reader.ReadCount(MaxTrees, "trees")][];
        for (var t = 0; t < trees.Length; t++)
        {
            var nodes = trees[t] = new Node[reader.ReadCount(MaxNodes, "nodes in a tree")];
            for (var i = 0; i < nodes.Length; i++)
            {
                var feature = reader.Read7BitEncodedInt() - 1;
                var size = reader.Read7BitEncodedInt();
                if (feature < 0)
                {
                    nodes[i] = new Node(-1, 0, 0, 0, size, 0, 0);
                    continue;
                }
                if (feature >= dimensions) throw new InvalidDataException($"a split on feature {feature} of {dimensions}.");
                var (split, min, max) = (reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble());
                var (left, right) = (reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
                // Children follow their parent (the tree is stored in pre-order), so a path always ends.
                if (left <= i || right <= i || left >= nodes.Length || right >= nodes.Length) throw new InvalidDataException($"node {i} points outside its tree.");
                nodes[i] = new Node(feature, split, left, right, size, min, max);
            }
            if (nodes.Length == 0) throw new InvalidDataException("an empty tree.");
        }
        if (trees.Length == 0) throw new InvalidDataException("a forest without trees.");
        return new IsolationForest(trees, normalizer) { Dimensions = dimensions };
    }

    private const int MaxTrees = 10_000;
    private const int MaxNodes = 1 << 20;

    private readonly record struct Node(int Feature, double Split, int Left, int Right, int Size, double Min, double Max);
}
