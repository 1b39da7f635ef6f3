using System.Globalization;

namespace Meterline.CrashSafety.Tests;

/// <summary>
/// Where the kill-and-restart cycles spent their time: the restart (process start to its ready banner: runtime start,
/// database open and migration check, web host build and start), the wait for the first acknowledged push of a life,
/// and the whole life up to the kill. Printed at the end of a run, to see what a cycle costs and where.
/// </summary>
internal sealed class CycleTimes
{
    private readonly List<TimeSpan> _restarts = [];
    private readonly List<TimeSpan> _toFirstCommit = [];
    private readonly List<TimeSpan> _lives = [];

    public void Add(TimeSpan restart, TimeSpan toFirstCommit, TimeSpan life)
    {
        _restarts.Add(restart);
        _toFirstCommit.Add(toFirstCommit);
        _lives.Add(life);
    }

    public string Describe() => _restarts.Count == 0
        ? "no cycles"
        : string.Create(CultureInfo.InvariantCulture,
            $"{_restarts.Count} cycles: restart (process start to ready, overlapping the checks) {Summary(_restarts)}; first acknowledged push after {Summary(_toFirstCommit)}; life to the kill {Summary(_lives)}");

    private static string Summary(List<TimeSpan> times)
    {
        var sorted = times.Select(t => t.TotalMilliseconds).Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"median {sorted[sorted.Count / 2]:F0} ms, max {sorted[^1]:F0} ms, total {sorted.Sum() / 1000:F1} s");
    }
}
