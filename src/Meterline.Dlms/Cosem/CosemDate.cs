using System.Buffers.Binary;
using System.Globalization;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// A COSEM date (Blue Book 4.1.6.1): year (0xFFFF = not specified), month (1–12, 0xFD daylight-saving end,
/// 0xFE daylight-saving begin, 0xFF not specified), day of month (1–31, 0xFD second last day, 0xFE last day,
/// 0xFF not specified), day of week (1 = Monday … 7 = Sunday, 0xFF not specified). Five bytes on the wire.
/// </summary>
public readonly record struct CosemDate(ushort Year, byte Month, byte DayOfMonth, byte DayOfWeek)
{
    public const int EncodedLength = 5;
    public const ushort YearNotSpecified = 0xFFFF;
    public const byte NotSpecified = 0xFF;
    public const byte DaylightSavingsEnd = 0xFD;
    public const byte DaylightSavingsBegin = 0xFE;
    public const byte LastDayOfMonth = 0xFE;
    public const byte SecondLastDayOfMonth = 0xFD;

    /// <summary>True when year, month and day of month are concrete values.</summary>
    public bool IsSpecified => Year != YearNotSpecified && Month is >= 1 and <= 12 && DayOfMonth is >= 1 and <= 31;

    /// <summary>Builds a fully specified date, with the day of week computed.</summary>
    public static CosemDate FromDateOnly(DateOnly date) =>
        new((ushort)date.Year, (byte)date.Month, (byte)date.Day, ToCosemDayOfWeek(date.DayOfWeek));

    /// <summary>Returns the calendar date when year, month and day are specified and valid.</summary>
    public bool TryToDateOnly(out DateOnly date)
    {
        date = default;
        if (!IsSpecified || Year is 0 or > 9999 || DayOfMonth > DateTime.DaysInMonth(Year, Month))
        {
            return false;
        }

        date = new DateOnly(Year, Month, DayOfMonth);
        return true;
    }

    public static bool TryDecode(ReadOnlySpan<byte> source, out CosemDate value, out int bytesConsumed)
    {
        if (source.Length < EncodedLength)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = new CosemDate(BinaryPrimitives.ReadUInt16BigEndian(source), source[2], source[3], source[4]);
        bytesConsumed = EncodedLength;
        return true;
    }

    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < EncodedLength)
        {
            bytesWritten = 0;
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, Year);
        destination[2] = Month;
        destination[3] = DayOfMonth;
        destination[4] = DayOfWeek;
        bytesWritten = EncodedLength;
        return true;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Year == YearNotSpecified ? "****" : Year.ToString("D4", CultureInfo.InvariantCulture))}-{Field(Month)}-{Field(DayOfMonth)}");

    internal static string Field(byte value) =>
        value == NotSpecified ? "**" : value.ToString("D2", CultureInfo.InvariantCulture);

    internal static byte ToCosemDayOfWeek(DayOfWeek day) => day == System.DayOfWeek.Sunday ? (byte)7 : (byte)day;
}
