using Meterline.Dlms.Cosem;
using Meterline.HeadEnd.Readings;
using Meterline.Meter;
using Meterline.Meter.Cosem;

namespace Meterline.EndToEnd.Tests.Support;

/// <summary>
/// What a simulated meter itself recorded, read from its profile generic buffers and scaled by its profile the way
/// a head-end must scale them: the truth the stored data is compared with. Read them only while the meter is not
/// stepping (its fleet stopped).
/// </summary>
internal static class MeterBuffers
{
    /// <summary>A date-time cell's resolution on the wire (COSEM date-times count hundredths of a second).</summary>
    private static readonly long TicksPerHundredth = TimeSpan.TicksPerMillisecond * 10;

    /// <summary>The block load profile entries whose capture time is in [<paramref name="from"/>, <paramref name="to"/>), each column as a quantity and its scaled value.</summary>
    public static Dictionary<(DateTimeOffset Time, Quantity Quantity), double> Intervals(SmartMeter meter, DateTimeOffset from, DateTimeOffset to)
    {
        var values = new Dictionary<(DateTimeOffset, Quantity), double>();
        foreach (var (time, cells) in Rows(meter, meter.BlockProfile, from, to))
        {
            foreach (var (quantity, value) in cells)
            {
                values.Add((time, quantity), value);
            }
        }

        return values;
    }

    /// <summary>The billing profile entries captured in [<paramref name="from"/>, <paramref name="to"/>): capture time and register values.</summary>
    public static List<(DateTimeOffset Time, Dictionary<Quantity, double> Values)> Billing(SmartMeter meter, DateTimeOffset from, DateTimeOffset to) =>
        [.. Rows(meter, meter.BillingProfile, from, to).Select(r => (r.Time, r.Values.ToDictionary(v => v.Quantity, v => v.Value)))];

    /// <summary>Every event in the meter's event logs (all groups) in [<paramref name="from"/>, <paramref name="to"/>): time (to the hundredth) and code.</summary>
    public static List<(DateTimeOffset Time, int Code)> Events(SmartMeter meter, DateTimeOffset from, DateTimeOffset to)
    {
        var events = new List<(DateTimeOffset, int)>();
        for (var group = 0; group <= 6; group++)
        {
            ProfileGenericObject log;
            try
            {
                log = meter.EventLog(group);
            }
            catch (InvalidOperationException)
            {
                continue; // the profile has no log for this group
            }

            for (var i = 0; i < log.EntriesInUse; i++)
            {
                var row = log.GetRow(i);
                var time = Hundredths(row[0]);
                if (time >= from && time < to)
                {
                    events.Add((time, (int)row[1]));
                }
            }
        }

        return events;
    }

    /// <summary>A stored instant cut to the resolution it has on the wire.</summary>
    public static DateTimeOffset Hundredths(DateTimeOffset time) => Hundredths(time.UtcTicks);

    private static DateTimeOffset Hundredths(long utcTicks) => new(utcTicks - (utcTicks % TicksPerHundredth), TimeSpan.Zero);

    private static IEnumerable<(DateTimeOffset Time, List<(Quantity Quantity, double Value)> Values)> Rows(
        SmartMeter meter, ProfileGenericObject profile, DateTimeOffset from, DateTimeOffset to)
    {
        var columns = profile.Columns;
        for (var i = 0; i < profile.EntriesInUse; i++)
        {
            var row = profile.GetRow(i);
            var time = Hundredths(row[0]);
            if (time < from || time >= to)
            {
                continue;
            }

            var values = new List<(Quantity, double)>();
            for (var c = 1; c < columns.Count; c++)
            {
                var definition = columns[c].CaptureObject;
                if (definition.AttributeIndex == 2 && Quantity.TryFromObis(definition.LogicalName.ToString(), out var quantity))
                {
                    values.Add((quantity, Scale(row[c], ScalerOf(meter, definition.LogicalName))));
                }
            }

            yield return (time, values);
        }
    }

    private static sbyte ScalerOf(SmartMeter meter, ObisCode register) => meter.Profile.Find(register)?.ScalerUnit?.Scaler ?? 0;

    /// <summary>raw × 10^scaler, computed in decimal as the profile's scaler defines it.</summary>
    private static double Scale(long raw, sbyte scaler)
    {
        var factor = 1m;
        for (var i = 0; i < Math.Abs((int)scaler); i++)
        {
            factor = scaler > 0 ? factor * 10 : factor / 10;
        }

        return (double)(raw * factor);
    }
}
