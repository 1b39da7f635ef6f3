namespace Meterline.HeadEnd.Analytics;

/// <summary>A meter the live feed touched since the last round: the newest data time and the interval times in commit order.</summary>
internal sealed class PendingMeter
{
    public DateTimeOffset Latest { get; private set; } = DateTimeOffset.MinValue;

    public List<DateTimeOffset> Arrivals { get; } = [];

    public void Touch(DateTimeOffset time)
    {
        if (time > Latest)
        {
            Latest = time;
        }
    }
}
