using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Readings;

/// <summary>
/// One value of one interval of a meter's load profile. Stored once: (<see cref="Time"/>, <see cref="Meter"/>,
/// <see cref="Quantity"/>) is the unique key (time first; see PERFORMANCE.md), and a second write of the same key
/// changes nothing.
/// </summary>
/// <param name="Meter">The meter.</param>
/// <param name="Time">The end of the interval (the profile entry's clock), in UTC.</param>
/// <param name="Quantity">What is measured.</param>
/// <param name="Value">The scaled value in the quantity's unit.</param>
/// <param name="Quality">Where it came from.</param>
public readonly record struct IntervalReading(MeterId Meter, DateTimeOffset Time, Quantity Quantity, double Value, ReadingQuality Quality);
