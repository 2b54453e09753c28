namespace Foresight.Classification;

/// <summary>
/// Multiclass gradient-boosted regression trees with a softmax link (Friedman, "Greedy function
/// approximation: a gradient boosting machine", Annals of Statistics 2001, algorithm LK_TreeBoost)
/// and second-order leaf values and split gains as in XGBoost (Chen &amp; Guestrin, KDD 2016):
/// one tree per class and round, features quantized to at most 64 bins, missing values (NaN) always
/// routed left. Per-feature contributions follow the path attribution of Saabas (the change of a
/// node's value along the decision path), which sums exactly to the score. Deterministic: no sampling.
/// </summary>
internal sealed class BoostedTrees
{
    private const int MaxBins = 64;

    private readonly record struct Node(int Feature, double Threshold, int Left, int Right, double Value);

    private readonly List<Node[]>[] _trees;
    private readonly int _features;

    private BoostedTrees(List<Node[]>[] trees, int features)
    {
        _trees = trees;
        _features = features;
    }

    public int Classes => _trees.Length;

    /// <summary>Fits <paramref name="rounds"/> rounds of depth-<paramref name="depth"/> trees to rows <paramref name="x"/> with labels 0..classes−1.</summary>
    public static BoostedTrees Train(double[][] x, int[] y, int classes, int rounds, int depth, double learningRate, double lambda = 1, double minHessian = 1)
    {
        var n = x.Length;
        var features = x[0].Length;
        var (bins, thresholds) = Quantize(x, features);
        var trees = new List<Node[]>[classes];
        for (var k = 0; k < classes; k++) trees[k] = [];
        var scores = new double[n * classes];
        var gradient = new double[n];
        var hessian = new double[n];
        var probabilities = new double[classes];
        var all = new int[n];
        for (var round = 0; round < rounds; round++)
        {
            var roundProbabilities = new double[n * classes];
            for (var i = 0; i < n; i++)
            {
                Softmax(scores.AsSpan(i * classes, classes), probabilities);
                probabilities.CopyTo(roundProbabilities.AsSpan(i * classes, classes));
            }
            for (var k = 0; k < classes; k++)
            {
                for (var i = 0; i < n; i++) all[i] = i;
                for (var i = 0; i < n; i++)
                {
                    var p = roundProbabilities[i * classes + k];
                    gradient[i] = p - (y[i] == k ? 1 : 0);
                    hessian[i] = Math.Max(p * (1 - p), 1e-6);
                }
                var nodes = new List<Node>();
                Grow(nodes, all, 0, n, bins, thresholds, gradient, hessian, depth, learningRate, lambda, minHessian);
                var tree = nodes.ToArray();
                trees[k].Add(tree);
                for (var i = 0; i < n; i++) scores[i * classes + k] += Leaf(tree, x[i]);
            }
        }
        return new BoostedTrees(trees, features);
    }

    /// <summary>Class probabilities of one row.</summary>
    public double[] Predict(ReadOnlySpan<double> row)
    {
        var scores = new double[Classes];
        for (var k = 0; k < Classes; k++)
        {
            foreach (var tree in _trees[k]) scores[k] += Leaf(tree, row);
        }
        var probabilities = new double[Classes];
        Softmax(scores, probabilities);
        return probabilities;
    }

    /// <summary>Saabas contributions of each feature to the score of class <paramref name="k"/> (the bias, the trees' root values, is left out).</summary>
    public double[] Contributions(ReadOnlySpan<double> row, int k)
    {
        var contributions = new double[_features];
        foreach (var tree in _trees[k])
        {
            var node = 0;
            while (tree[node].Feature >= 0)
            {
                var next = GoesLeft(row[tree[node].Feature], tree[node].Threshold) ? tree[node].Left : tree[node].Right;
                contributions[tree[node].Feature] += tree[next].Value - tree[node].Value;
                node = next;
            }
        }
        return contributions;
    }

    private static bool GoesLeft(double value, double threshold) => double.IsNaN(value) || value <= threshold;

    private static double Leaf(Node[] tree, ReadOnlySpan<double> row)
    {
        var node = 0;
        while (tree[node].Feature >= 0) node = GoesLeft(row[tree[node].Feature], tree[node].Threshold) ? tree[node].Left : tree[node].Right;
        return tree[node].Value;
    }

    private static void Softmax(ReadOnlySpan<double> scores, Span<double> probabilities)
    {
        var max = double.NegativeInfinity;
        foreach (var s in scores) max = Math.Max(max, s);
        var sum = 0.0;
        for (var k = 0; k < scores.Length; k++)
        {
            probabilities[k] = Math.Exp(scores[k] - max);
            sum += probabilities[k];
        }
        for (var k = 0; k < scores.Length; k++) probabilities[k] /= sum;
    }

    /// <summary>Bin index per row and feature (0 = missing) and the upper edge of each bin: midpoints between quantiles of the distinct values.</summary>
    private static (byte[][] Bins, double[][] Thresholds) Quantize(double[][] x, int features)
    {
        var bins = new byte[features][];
        var thresholds = new double[features][];
        for (var f = 0; f < features; f++)
        {
            var distinct = x.Select(row => row[f]).Where(double.IsFinite).Distinct().Order().ToArray();
            var edges = new List<double>();
            var cuts = Math.Min(MaxBins - 2, distinct.Length - 1);
            for (var c = 1; c <= cuts; c++)
            {
                var at = (int)((long)c * distinct.Length / (cuts + 1));
                var edge = (distinct[at - 1] + distinct[at]) / 2;
                if (edges.Count == 0 || edge > edges[^1]) edges.Add(edge);
            }
            thresholds[f] = edges.ToArray();
            bins[f] = new byte[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                var v = x[i][f];
                if (!double.IsFinite(v)) continue;
                var b = Array.BinarySearch(thresholds[f], v);
                bins[f][i] = (byte)(1 + (b >= 0 ? b : ~b));
            }
        }
        return (bins, thresholds);
    }

    /// <summary>Grows a node over rows[<paramref name="start"/>..<paramref name="end"/>) (reordered in place) and its subtree; returns its index.</summary>
    private static int Grow(List<Node> nodes, int[] order, int start, int end, byte[][] bins, double[][] thresholds, double[] g, double[] h,
        int depth, double eta, double lambda, double minHessian)
    {
        var rows = order.AsSpan(start, end - start);
        double gSum = 0, hSum = 0;
        foreach (var i in rows)
        {
            gSum += g[i];
            hSum += h[i];
        }
        var index = nodes.Count;
        nodes.Add(new Node(-1, 0, -1, -1, -eta * gSum / (hSum + lambda)));
        if (depth == 0 || rows.Length < 4) return index;

        var parentScore = gSum * gSum / (hSum + lambda);
        var bestGain = 1e-6;
        int bestFeature = -1, bestBin = -1;
        Span<double> gHist = stackalloc double[MaxBins];
        Span<double> hHist = stackalloc double[MaxBins];
        for (var f = 0; f < bins.Length; f++)
        {
            var binCount = thresholds[f].Length + 2;
            gHist[..binCount].Clear();
            hHist[..binCount].Clear();
            var column = bins[f];
            foreach (var i in rows)
            {
                gHist[column[i]] += g[i];
                hHist[column[i]] += h[i];
            }
            double gLeft = 0, hLeft = 0;
            for (var b = 0; b < binCount - 1; b++)
            {
                gLeft += gHist[b];
                hLeft += hHist[b];
                var hRight = hSum - hLeft;
                if (hLeft < minHessian || hRight < minHessian) continue;
                var gRight = gSum - gLeft;
                var gain = gLeft * gLeft / (hLeft + lambda) + gRight * gRight / (hRight + lambda) - parentScore;
                if (gain > bestGain)
                {
                    bestGain = gain;
                    bestFeature = f;
                    bestBin = b;
                }
            }
        }
        if (bestFeature < 0) return index;

        // Bin 0 holds the missing values; bins 1..b (values up to edge b−1) go left with them.
        var threshold = bestBin == 0 ? double.NegativeInfinity : thresholds[bestFeature][bestBin - 1];
        var split = bins[bestFeature];
        var middle = start;
        for (var j = start; j < end; j++)
        {
            if (split[order[j]] > bestBin) continue;
            (order[j], order[middle]) = (order[middle], order[j]);
            middle++;
        }
        var leftIndex = Grow(nodes, order, start, middle, bins, thresholds, g, h, depth - 1, eta, lambda, minHessian);
        var rightIndex = Grow(nodes, order, middle, end, bins, thresholds, g, h, depth - 1, eta, lambda, minHessian);
        nodes[index] = nodes[index] with { Feature = bestFeature, Threshold = threshold, Left = leftIndex, Right = rightIndex };
        return index;
    }
}
