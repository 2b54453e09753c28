namespace Foresight.Benchmarks;

/// <summary>The <c>[--series N] [--points P] [--step-seconds S]</c> options the memory commands share.</summary>
internal static class MemoryBenchArgs
{
    /// <summary>Reads the options after <c>args[0]</c> over the defaults given; false (with the message written) when one is not valid.</summary>
    public static bool TryParse(string[] args, string usage, ref int series, ref int points, ref int stepSeconds)
    {
        for (var i = 1; i < args.Length; i++)
        {
            var ok = i + 1 < args.Length && int.TryParse(args[i + 1], out var v) && v > 0;
            if (!ok || args[i] is not ("--series" or "--points" or "--step-seconds"))
            {
                Console.Error.WriteLine($"{args[0]}: '{args[i]}' is not an option with a positive value.\n{usage}");
                return false;
            }
            v = int.Parse(args[++i]);
            if (args[i - 1] == "--series") series = v;
            else if (args[i - 1] == "--points") points = v;
            else stepSeconds = v;
        }
        return true;
    }
}
