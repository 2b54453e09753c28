using Foresight.Detection.State;

namespace Foresight.Detection;

/// <summary>Parameters of <see cref="ContextNovelty"/>. The defaults are the ones used on NAB (same for every series).</summary>
public sealed record ContextNoveltyOptions
{
    /// <summary>The defaults, one instance shared by every detector built without options (a record cannot change, so sharing is safe).</summary>
    internal static ContextNoveltyOptions Default { get; } = new();

    /// <summary>
    /// Quantization levels, 2–15 (CAD OSE uses 3 bits, 8 levels). 12, chosen in the ensemble on the
    /// NAB development half (see <see cref="Ensemble"/>) among {8, 12, 15} × <see cref="MaxOrder"/> {4, 6, 8}.
    /// </summary>
    public int Levels { get; init; } = 12;

    /// <summary>
    /// Longest context, in past symbols, 1–12 (CAD OSE caps its left semi-contexts at 7 facts). 4, chosen
    /// with <see cref="Levels"/>: dev standard (tuned θ) in the ensemble, differences, 12 levels: orders
    /// 4 / 6 / 8 → 73.33 / 72.56 / 72.91; 8 levels: 68.51 / 72.79 / 71.38; 15 levels: 71.49 / 71.53 / 72.11.
    /// </summary>
    public int MaxOrder { get; init; } = 4;

    /// <summary>Points before the detector scores (it learns contexts meanwhile and returns 0).</summary>
    public int WarmUp { get; init; } = 150;

    /// <summary>
    /// Rest period in points, 0 to disable: after a raw score at or above <see cref="RestLevel"/> the
    /// detector returns 0 for this many points (CAD OSE's rest period, which reports one alarm per event).
    /// </summary>
    public int RestPeriod { get; init; }

    /// <summary>Raw score that starts a rest period, in (0, 1] (CAD OSE's base threshold 0.75).</summary>
    public double RestLevel { get; init; } = 0.75;

    /// <summary>
    /// When true (the default) the detector quantizes first differences x_t − x_{t−1} rather than the
    /// values: it learns the shape of the series rather than its level, and a quantization grid on the
    /// values no longer shifts with every new extreme. In the ensemble on the NAB development half
    /// (8 levels, order 6) values scored 69.74 and differences 72.79 (standard, tuned θ).
    /// </summary>
    public bool Differences { get; init; } = true;

    /// <summary>
    /// Bound on the contexts and transitions stored together, rounded up to a power of two, 8 to 2²⁸. Up to 4,096 the
    /// table is allocated at its bound with entries of at most 2 bytes, 13 bits at 512 (when the levels and order give at most 2²¹ keys, as the
    /// defaults do); a larger one has 4-byte entries, allocated as needed from 64. Once a part of the table is full, a
    /// new context or transition there replaces the least recently seen one (<see cref="RecencySet"/>), so the detector
    /// forgets patterns it has not met for a long time. 2¹⁷ (512 KB at most) on its own, where its raw score is used as
    /// it is and a forgotten context scores as new; the ensemble's members keep <see cref="EnsembleOptions.ContextMaxEntries"/>.
    /// </summary>
    public int MaxEntries { get; init; } = 1 << 17;
}

/// <summary>
/// Novelty of the current value in the context of the recent ones, after the Contextual Anomaly
/// Detector (CAD OSE, M. Smirnov, NAB 2016: 69.9 standard): first differences (or, optionally, the
/// values) are quantized into a few levels over the range seen so far, and the detector remembers which symbol followed each context — the
/// last k symbols, for every order k = 1 … <see cref="ContextNoveltyOptions.MaxOrder"/>. A point is
/// scored before it is learnt: for each order, the context is either new, or known with the current
/// symbol already seen after it ("active", CAD's predicted context), or known without it. As in CAD,
/// the score is the mean of two fractions, (1 − active/known + new transitions/orders)/2, so 0 means
/// every context predicted this value and 1 that nothing like it was ever seen in this context.
/// Unlike CAD, the contexts are fixed-order symbol histories (a variable-order Markov model, cf.
/// Begleiter, El-Yaniv &amp; Yona, JAIR 2004) rather than CAD's crossed semi-contexts, so each point
/// costs O(MaxOrder) look-ups; memory is bounded by <see cref="ContextNoveltyOptions.MaxEntries"/> (the least recently
/// seen forgotten first, where CAD keeps every context): 4 bytes an entry, or at most 2 (13 bits for 512 entries of the
/// defaults) for a table of at most 4,096 entries over at most 2²¹ contexts and transitions (the defaults' 294,060 are),
/// numbered densely and placed by a shared layout (<see cref="RecencySet.Layout"/>) exactly where the 4-byte entries would
/// be, so the scores do not depend on it.
/// The range is learnt online (CAD reads the file's min and max in advance); a value outside it
/// widens it, which changes the quantization for the points that follow.
/// </summary>
public sealed class ContextNovelty : IStreamingDetector, IRestorableState
{
    private readonly ContextNoveltyOptions _options;
    private readonly RecencySet _table;
    private readonly long _contexts; // contexts of every order: L + L² + … + L^MaxOrder
    private readonly bool _tagged; // the table holds 16-bit tags of dense keys (RecencySet.Layout)
    private double _min = double.PositiveInfinity, _max = double.NegativeInfinity;
    private long _history; // 4 bits per symbol, newest in the low bits
    private int _length;
    private long _seen;
    private int _rest;
    private double _previous = double.NaN;

    /// <summary>The settings in force.</summary>
    public ContextNoveltyOptions Options => _options;

    /// <summary>Creates the detector with the given (or default) options.</summary>
    public ContextNovelty(ContextNoveltyOptions? options = null)
    {
        _options = options ?? ContextNoveltyOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.Levels, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.Levels, 15);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxOrder, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.MaxOrder, 12);
        ArgumentOutOfRangeException.ThrowIfNegative(_options.RestPeriod);
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxEntries, 8);
        _contexts = 0;
        for (long k = 1, power = _options.Levels; k <= _options.MaxOrder; k++, power *= _options.Levels) _contexts += power;
        var layout = LayoutFor(_options);
        _tagged = layout is not null;
        _table = layout is null ? new RecencySet(_options.MaxEntries) : new RecencySet(layout);
    }

    private const int LayoutMaxEntries = 4096;
    private const long LayoutMaxKeys = 1 << 21;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int, int, int), RecencySet.Layout?> Layouts = new();

    /// <summary>
    /// The shared layout that lets a table of at most 4,096 entries hold 16-bit tags (<see cref="RecencySet.Layout"/>):
    /// key i is the dense number of a context or transition, placed where the table of 32-bit entries places its
    /// <see cref="SparseKey"/>, so scores are the same either way. Null for larger tables or key spaces (more than 2²¹ keys).
    /// </summary>
    private static RecencySet.Layout? LayoutFor(ContextNoveltyOptions options)
    {
        if (options.MaxEntries > LayoutMaxEntries) return null;
        return Layouts.GetOrAdd((options.Levels, options.MaxOrder, options.MaxEntries), static key =>
        {
            var (levels, maxOrder, maxEntries) = key;
            long contexts = 0;
            for (long k = 1, power = levels; k <= maxOrder; k++, power *= levels) contexts += power;
            var keys = contexts * (levels + 1);
            if (keys > LayoutMaxKeys) return null;
            return RecencySet.Layout.TryCreate((int)keys, maxEntries, i => SparseKeyOf(i, levels, maxOrder, contexts));
        });
    }

    /// <summary>The 32-bit table's key of dense key <paramref name="dense"/>: the inverse of the numbering in <see cref="Update"/>.</summary>
    private static long SparseKeyOf(long dense, int levels, int maxOrder, long contexts)
    {
        var transition = dense >= contexts;
        var context = transition ? (dense - contexts) / levels : dense;
        int order = 1;
        for (long power = levels; context >= power; power *= levels, order++) context -= power;
        long history = 0;
        for (var j = order - 1; j >= 0; j--, context /= levels) history |= (context % levels) << (4 * j);
        var key = SparseKey(order, history, maxOrder);
        return transition ? SparseTransition(key, (int)((dense - contexts) % levels)) : key << 1;
    }

    /// <summary>The order above the last <paramref name="order"/> symbols: 4·MaxOrder + 4 bits (20 by default).</summary>
    private static long SparseKey(int order, long history, int maxOrder)
    {
        var mask = (1L << (4 * order)) - 1;
        return ((long)order << (4 * maxOrder)) | (history & mask);
    }

    private static long SparseTransition(long context, int symbol) => (((context << 4) | (uint)symbol) << 1) | 1;

    /// <summary>Contexts plus transitions stored (at most <see cref="ContextNoveltyOptions.MaxEntries"/> rounded up to a power of two).</summary>
    internal int StoredEntries => _table.Count;

    /// <inheritdoc />
    public double Update(long timestamp, double value)
    {
        if (!double.IsFinite(value)) return 0;
        if (_options.Differences)
        {
            var previous = _previous;
            _previous = value;
            if (double.IsNaN(previous)) return 0;
            value -= previous;
        }
        _min = Math.Min(_min, value);
        _max = Math.Max(_max, value);
        var symbol = Quantize(value);
        _seen++;

        var orders = Math.Min(_length, _options.MaxOrder);
        int known = 0, active = 0, novel = 0;
        long context = 0, offset = 0, power = 1;
        for (var k = 1; k <= orders; k++)
        {
            // With a layout, the contexts of order k are numbered offset + (the last k symbols in base L), offset =
            // L + … + L^(k−1), and a transition after every context, so keys are dense in [0, contexts · (L + 1)).
            bool seenContext, seenTransition;
            if (_tagged)
            {
                context = context * _options.Levels + ((_history >> (4 * (k - 1))) & 15);
                var key = offset + context;
                seenContext = _table.Touch(key);
                seenTransition = _table.Touch(_contexts + key * _options.Levels + symbol) && seenContext;
                power *= _options.Levels;
                offset += power;
            }
            else
            {
                var key = SparseKey(k, _history, _options.MaxOrder);
                seenContext = _table.Touch(key << 1);
                seenTransition = _table.Touch(SparseTransition(key, symbol)) && seenContext;
            }
            if (seenContext) known++;
            if (seenTransition) active++;
            else novel++;
        }
        _history = (_history << 4) | (uint)symbol;
        _length = Math.Min(_length + 1, 12);

        if (_seen <= _options.WarmUp || orders == 0) return 0;
        var raw = ((known > 0 ? 1 - (double)active / known : 1) + (double)novel / _options.MaxOrder) / 2;
        if (_options.RestPeriod == 0) return raw;
        if (_rest > 0)
        {
            _rest--;
            return 0;
        }
        if (raw >= _options.RestLevel) _rest = _options.RestPeriod;
        return raw;
    }

    private int Quantize(double value)
    {
        var range = _max - _min;
        if (!(range > 0)) return 0;
        var level = (int)((value - _min) / range * _options.Levels);
        return Math.Clamp(level, 0, _options.Levels - 1);
    }

    /// <inheritdoc />
    public void WriteState(BinaryWriter writer)
    {
        writer.WriteTag(_options.Differences ? "context" : "context-values");
        writer.Write(_options.Levels);
        _table.WriteState(writer);
        writer.Write(_min);
        writer.Write(_max);
        writer.Write(_history);
        writer.Write(_length);
        writer.Write(_seen);
        writer.Write(_rest);
        writer.Write(_previous);
    }

    /// <inheritdoc />
    public void ReadState(BinaryReader reader)
    {
        reader.ExpectTag(_options.Differences ? "context" : "context-values");
        reader.ExpectSetting(_options.Levels, "number of quantization levels");
        _table.ReadState(reader, "contexts and transitions");
        _min = reader.ReadDouble();
        _max = reader.ReadDouble();
        _history = reader.ReadInt64();
        _length = reader.ReadInt32();
        if (_length < 0 || _length > 12) throw new InvalidDataException($"a history of {_length} symbols, where at most 12 are kept.");
        _seen = reader.ReadInt64();
        _rest = reader.ReadInt32();
        _previous = reader.ReadDouble();
    }
}
