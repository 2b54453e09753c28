using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Foresight.Cli.Commands;

/// <summary>
/// Progress of a long evaluation, always on stderr: stdout keeps the table, or with <c>--json</c> the
/// one JSON object as its last line. <see cref="Count{T}"/> is for work that counts its steps: a Spectre
/// progress bar when stderr is a terminal, else a plain line each time another tenth is done
/// (<c>eval latency: 25 of 50 seeds (34 s)</c>), so a CI log or a file holds no escape codes.
/// <see cref="Heartbeat"/> is for work that cannot count: a line naming its stage every 10 s.
/// </summary>
internal static class EvalProgress
{
    /// <summary>How often a <see cref="Heartbeat"/> says the work is still running.</summary>
    internal static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Runs <paramref name="work"/>, which reports each finished amount of the <paramref name="total"/>
    /// <paramref name="unit"/> through the action it is given (from any thread).
    /// </summary>
    public static T Count<T>(string description, long total, string unit, Func<Action<long>, T> work)
    {
        if (!Console.IsErrorRedirected)
        {
            var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            var result = default(T)!;
            stderr.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total));
                    result = work(amount => task.Increment(amount));
                });
            return result;
        }
        var writer = Console.Error;
        var clock = Stopwatch.StartNew();
        long done = 0;
        return work(amount =>
        {
            var after = Interlocked.Add(ref done, amount);
            if (total > 0 && TenthsOf(after, total) > TenthsOf(after - amount, total))
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{description}: {after} of {total} {unit} ({clock.Elapsed.TotalSeconds:0} s)"));
        });
    }

    /// <summary><see cref="Count{T}"/> for work without a result.</summary>
    public static void Count(string description, long total, string unit, Action<Action<long>> work) =>
        Count(description, total, unit, advance =>
        {
            work(advance);
            return 0;
        });

    /// <summary>Starts a line on stderr every <see cref="HeartbeatInterval"/> (<c>stage (12 s)</c>) until disposed.</summary>
    public static EvalHeartbeat Heartbeat(string stage, TimeProvider? time = null) => new(stage, Console.Error, time ?? TimeProvider.System, HeartbeatInterval);

    private static long TenthsOf(long done, long total) => Math.Min(done, total) * 10 / total;
}

/// <summary>
/// Says on a writer, every interval, which stage a long computation is in and for how long it has run
/// (<c>eval classes: classifying 4900 workloads (20 s)</c>), until disposed. <see cref="Stage"/> may be
/// changed from any thread as the work moves on; nothing is written before the first interval has passed.
/// </summary>
internal sealed class EvalHeartbeat : IDisposable
{
    private readonly TextWriter _writer;
    private readonly ITimer _timer;
    private readonly TimeProvider _time;
    private readonly long _started;
    private volatile string _stage;

    internal EvalHeartbeat(string stage, TextWriter writer, TimeProvider time, TimeSpan interval)
    {
        _stage = stage;
        _writer = writer;
        _time = time;
        _started = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Beat(), null, interval, interval);
    }

    /// <summary>What the work is doing now; the next line names it.</summary>
    public string Stage
    {
        get => _stage;
        set => _stage = value;
    }

    public void Dispose() => _timer.Dispose();

    private void Beat()
    {
        var seconds = _time.GetElapsedTime(_started).TotalSeconds;
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{_stage} ({seconds:0} s)"));
    }
}
