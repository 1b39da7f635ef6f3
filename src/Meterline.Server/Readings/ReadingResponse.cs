using Meterline.HeadEnd.Readings;

namespace Meterline.Server.Readings;

/// <summary>One stored interval value.</summary>
public sealed record ReadingResponse(DateTimeOffset Time, string Quantity, string Obis, double Value, string Unit, ReadingQuality Quality)
{
    public static ReadingResponse From(IntervalReading reading) =>
        new(reading.Time, reading.Quantity.Name, reading.Quantity.Obis, reading.Value, reading.Quantity.Unit, reading.Quality);
}
