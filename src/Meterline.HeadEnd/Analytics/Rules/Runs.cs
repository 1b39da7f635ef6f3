namespace Meterline.HeadEnd.Analytics.Rules;

/// <summary>Finds maximal runs of consecutive points that satisfy a condition (the "sustained for N intervals" of several rules).</summary>
internal static class Runs
{
    /// <summary>The [start, end] index pairs of runs at least <paramref name="minimumLength"/> long.</summary>
    public static List<(int Start, int End)> Find(int count, Func<int, bool> holds, int minimumLength)
    {
        var runs = new List<(int, int)>();
        var start = -1;
        for (var i = 0; i <= count; i++)
        {
            if (i < count && holds(i))
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0 && i - start >= minimumLength)
            {
                runs.Add((start, i - 1));
            }

            start = -1;
        }

        return runs;
    }

    /// <summary>A confidence that grows with how far past its threshold a run went: 0.5 at the threshold, towards 1.</summary>
    public static double Confidence(double excess) => Math.Clamp(0.5 + (0.5 * (1 - Math.Exp(-Math.Max(0, excess)))), 0, 1);
}
