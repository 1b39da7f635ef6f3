using System.Globalization;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// A COSEM time (Blue Book 4.1.6.1): hour (0–23), minute (0–59), second (0–59), hundredths (0–99); each 0xFF when
/// not specified. Four bytes on the wire.
/// </summary>
public readonly record struct CosemTime(byte Hour, byte Minute, byte Second, byte Hundredths)
{
    public const int EncodedLength = 4;
    public const byte NotSpecified = 0xFF;

    /// <summary>True when hour, minute and second are concrete, in-range values (hundredths may be unspecified).</summary>
    public bool IsSpecified => Hour <= 23 && Minute <= 59 && Second <= 59 && (Hundredths <= 99 || Hundredths == NotSpecified);

    public static CosemTime FromTimeOnly(TimeOnly time) =>
        new((byte)time.Hour, (byte)time.Minute, (byte)time.Second, (byte)(time.Millisecond / 10));

    public bool TryToTimeOnly(out TimeOnly time)
    {
        time = default;
        if (!IsSpecified)
        {
            return false;
        }

        var hundredths = Hundredths == NotSpecified ? 0 : Hundredths;
        time = new TimeOnly(Hour, Minute, Second, hundredths * 10);
        return true;
    }

    public static bool TryDecode(ReadOnlySpan<byte> source, out CosemTime value, out int bytesConsumed)
    {
        if (source.Length < EncodedLength)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        value = new CosemTime(source[0], source[1], source[2], source[3]);
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

        destination[0] = Hour;
        destination[1] = Minute;
        destination[2] = Second;
        destination[3] = Hundredths;
        bytesWritten = EncodedLength;
        return true;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{CosemDate.Field(Hour)}:{CosemDate.Field(Minute)}:{CosemDate.Field(Second)}.{CosemDate.Field(Hundredths)}");
}
