namespace Meterline.Web.Overview;

/// <summary>
/// A per-second rate of a growing counter over a sliding window of samples (at most <c>capacity</c> samples, none
/// older than <c>span</c> before the newest), so that bursty ingest reads as a steady rate.
/// </summary>
public sealed class RateWindow(TimeSpan span, int capacity)
{
    private readonly Queue<(DateTimeOffset At, long Count)> _samples = new();

    public void Add(DateTimeOffset at, long count)
    {
        _samples.Enqueue((at, count));
        while (_samples.Count > capacity || (_samples.Count > 2 && at - _samples.Peek().At > span))
        {
            _samples.Dequeue();
        }
    }

    /// <summary>Per second between the oldest and newest sample; zero until two samples lie apart in time.</summary>
    public double PerSecond
    {
        get
        {
            if (_samples.Count < 2)
            {
                return 0;
            }

            var first = _samples.Peek();
            var last = _samples.Last();
            var seconds = (last.At - first.At).TotalSeconds;
            return seconds <= 0 ? 0 : (last.Count - first.Count) / seconds;
        }
    }
}
