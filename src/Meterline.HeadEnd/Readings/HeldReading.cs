namespace Meterline.HeadEnd.Readings;

/// <summary>
/// One reading as a <see cref="HeldWindow"/> keeps it: 16 bytes (an <see cref="IntervalReading"/> is 40), the meter
/// implied by the window and the time as whole seconds after the window's base.
/// </summary>
internal readonly record struct HeldReading(int Second, short Quantity, ReadingQuality Quality, double Value)
{
    /// <summary>The bytes one takes in a window's array.</summary>
    public const int Size = 16;

    /// <summary>Orders by (time, quantity), the store's order of one meter's readings.</summary>
    public int CompareKey(int second, short quantity) => Second != second ? Second.CompareTo(second) : Quantity.CompareTo(quantity);
}
