using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>
/// The mean and population variance of a sliding window kept as whole blocks rather than values: values are added to
/// an open block (Welford's update), <see cref="Close"/> ends the block and keeps its count, mean and sum of squared
/// deviations M2, dropping the oldest block once <c>capacity</c> are kept, and <see cref="Estimate"/> combines the
/// kept blocks and the open one by the pairwise formula of Chan, Golub &amp; LeVeque ("Algorithms for computing the sample variance:
/// analysis and recommendations", The American Statistician 37(3), 1983): for blocks A and B with δ = x̄_B − x̄_A,
/// n = n_A + n_B, x̄ = x̄_A + δ·n_B/n and M2 = M2_A + M2_B + δ²·n_A·n_B/n. When the caller closes a block exactly where
/// it estimates, this is the window of the last capacity estimation periods, in O(capacity) memory instead of one
/// value per point. A block's mean and M2 are kept as floats (their relative error, below 10⁻⁷, is far below what an
/// estimate of a score distribution can resolve), 8 bytes a block; the open block and the combination run in doubles.
/// Counts are not kept per block: the first block closed may hold any number of values, every later one must hold as
/// many as the second (the likelihood's estimation samples, then its re-estimation period).
/// </summary>
internal sealed class BlockedMoments
{
    private readonly float[] _moments; // mean, M2 of block i at 2i, 2i + 1
    private int _head; // index of the oldest kept block
    private int _closed; // blocks closed since the start, the dropped ones included
    private int _firstCount, _laterCount;
    private int _openCount;
    private double _openMean, _openM2;

    public BlockedMoments(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _moments = new float[2 * capacity];
    }

    /// <summary>Blocks kept at most.</summary>
    public int Capacity => _moments.Length / 2;

    /// <summary>Closed blocks kept.</summary>
    public int Blocks { get; private set; }

    /// <summary>Adds a value to the open block.</summary>
    public void Add(double value)
    {
        _openCount++;
        var delta = value - _openMean;
        _openMean += delta / _openCount;
        _openM2 += delta * (value - _openMean);
    }

    /// <summary>Ends the open block (nothing happens when it is empty); the oldest block is dropped when all are taken.</summary>
    /// <exception cref="InvalidOperationException">A block after the second holds another number of values than the second.</exception>
    public void Close()
    {
        if (_openCount == 0) return;
        if (_closed == 0) _firstCount = _openCount;
        else if (_closed == 1) _laterCount = _openCount;
        else if (_openCount != _laterCount) throw new InvalidOperationException($"A block of {_openCount} values, where every block after the first holds {_laterCount}.");
        _closed++;
        int slot;
        if (Blocks < Capacity) slot = (_head + Blocks++) % Capacity;
        else
        {
            slot = _head;
            _head = (_head + 1) % Capacity;
        }
        _moments[2 * slot] = (float)_openMean;
        _moments[2 * slot + 1] = (float)_openM2;
        (_openCount, _openMean, _openM2) = (0, 0, 0);
    }

    /// <summary>Values in the open block.</summary>
    public int OpenCount => _openCount;

    /// <summary>Count, mean and population variance (M2/n) of the closed blocks and the open one; (0, NaN, NaN) when all are empty.</summary>
    public (long Count, double Mean, double Variance) Estimate()
    {
        long n = 0;
        double mean = 0, m2 = 0;
        for (var i = 0; i < Blocks; i++)
        {
            var slot = (_head + i) % Capacity;
            Combine(ref n, ref mean, ref m2, _closed - Blocks + i == 0 ? _firstCount : _laterCount, _moments[2 * slot], _moments[2 * slot + 1]);
        }
        if (_openCount > 0) Combine(ref n, ref mean, ref m2, _openCount, _openMean, _openM2);
        return n == 0 ? (0, double.NaN, double.NaN) : (n, mean, m2 / n);
    }

    /// <summary>Adds block B (count, mean, M2) to the running (n, mean, M2) by Chan, Golub &amp; LeVeque's pairwise formula.</summary>
    private static void Combine(ref long n, ref double mean, ref double m2, long nb, double meanB, double m2B)
    {
        var total = n + nb;
        var delta = meanB - mean;
        mean += delta * nb / total;
        m2 += m2B + delta * delta * ((double)n * nb / total);
        n = total;
    }

    /// <summary>Writes the capacity (checked on reading), the closed blocks oldest first and the open block.</summary>
    public void WriteState(BinaryWriter writer)
    {
        writer.Write(Capacity);
        writer.Write(Blocks);
        writer.Write(_closed);
        writer.Write(_firstCount);
        writer.Write(_laterCount);
        for (var i = 0; i < Blocks; i++)
        {
            var slot = (_head + i) % Capacity;
            writer.Write(_moments[2 * slot]);
            writer.Write(_moments[2 * slot + 1]);
        }
        writer.Write(_openCount);
        writer.Write(_openMean);
        writer.Write(_openM2);
    }

    /// <summary>Replaces the contents with what <see cref="WriteState"/> wrote for a window of the same capacity.</summary>
    public void ReadState(BinaryReader reader, string what)
    {
        reader.ExpectSetting(Capacity, $"{what} length in blocks");
        Blocks = reader.ReadCount(Capacity, $"blocks in the {what}");
        _head = 0;
        _closed = reader.ReadInt32();
        _firstCount = reader.ReadInt32();
        _laterCount = reader.ReadInt32();
        if (_closed < Blocks || (_closed > 0 && _firstCount < 1) || (_closed > 1 && _laterCount < 1))
            throw new InvalidDataException($"{_closed} blocks closed of {_firstCount} then {_laterCount} values, with {Blocks} kept, in the {what}.");
        for (var i = 0; i < Blocks; i++)
        {
            _moments[2 * i] = reader.ReadSingle();
            _moments[2 * i + 1] = reader.ReadSingle();
        }
        _openCount = reader.ReadInt32();
        if (_openCount < 0) throw new InvalidDataException($"an open block of {_openCount} values in the {what}.");
        _openMean = reader.ReadDouble();
        _openM2 = reader.ReadDouble();
    }
}
