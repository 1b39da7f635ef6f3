using System.Buffers.Binary;
using System.Globalization;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// A COSEM date-time (Blue Book 4.1.6.1): date, time, deviation (minutes, −720…720, 0x8000 = not specified) and
/// clock status. Twelve bytes on the wire, either as the date-time type (tag 25) or, as most meters send it, as an
/// octet-string of length 12. The deviation is kept exactly as encoded; its sign follows a
/// <see cref="DeviationConvention"/> that the caller chooses when converting to or from <see cref="DateTimeOffset"/>.
/// </summary>
public readonly record struct CosemDateTime(CosemDate Date, CosemTime Time, short Deviation, ClockStatus ClockStatus)
{
    public const int EncodedLength = 12;
    public const short DeviationNotSpecified = unchecked((short)0x8000);

    /// <summary>Every field "not specified": the wildcard used in schedules and range descriptors.</summary>
    public static CosemDateTime Unspecified { get; } = new(
        new CosemDate(CosemDate.YearNotSpecified, CosemDate.NotSpecified, CosemDate.NotSpecified, CosemDate.NotSpecified),
        new CosemTime(CosemTime.NotSpecified, CosemTime.NotSpecified, CosemTime.NotSpecified, CosemTime.NotSpecified),
        DeviationNotSpecified,
        ClockStatus.NotSpecified);

    public bool IsDeviationSpecified => Deviation != DeviationNotSpecified;

    /// <summary>
    /// The date-time of an instant, with deviation computed from its offset under <paramref name="convention"/>.
    /// Sub-hundredth precision is truncated.
    /// </summary>
    public static CosemDateTime FromDateTimeOffset(
        DateTimeOffset value,
        ClockStatus clockStatus = ClockStatus.Ok,
        DeviationConvention convention = DeviationConvention.BlueBook)
    {
        if (value.Year > 9999 || value.Year < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "Year outside the COSEM range");
        }

        var offsetMinutes = (short)value.Offset.TotalMinutes;
        var deviation = convention == DeviationConvention.BlueBook ? (short)-offsetMinutes : offsetMinutes;
        return new CosemDateTime(
            CosemDate.FromDateOnly(DateOnly.FromDateTime(value.DateTime)),
            CosemTime.FromTimeOnly(TimeOnly.FromDateTime(value.DateTime)),
            deviation,
            clockStatus);
    }

    /// <summary>
    /// Converts to an instant. Fails when date or time fields are not specified, out of range, or when the deviation
    /// is not specified and no <paramref name="assumedOffset"/> is given.
    /// </summary>
    public bool TryToDateTimeOffset(
        out DateTimeOffset value,
        DeviationConvention convention = DeviationConvention.BlueBook,
        TimeSpan? assumedOffset = null)
    {
        value = default;
        if (!Date.TryToDateOnly(out var date) || !Time.TryToTimeOnly(out var time))
        {
            return false;
        }

        TimeSpan offset;
        if (IsDeviationSpecified)
        {
            if (Deviation is < -720 or > 840)
            {
                return false;
            }

            offset = TimeSpan.FromMinutes(convention == DeviationConvention.BlueBook ? -Deviation : Deviation);
            if (offset < TimeSpan.FromHours(-14) || offset > TimeSpan.FromHours(14))
            {
                return false;
            }
        }
        else if (assumedOffset is { } assumed)
        {
            offset = assumed;
        }
        else
        {
            return false;
        }

        value = new DateTimeOffset(date.ToDateTime(time), offset);
        return true;
    }

    /// <summary>Converts to an instant, throwing when <see cref="TryToDateTimeOffset"/> would fail.</summary>
    public DateTimeOffset ToDateTimeOffset(
        DeviationConvention convention = DeviationConvention.BlueBook,
        TimeSpan? assumedOffset = null) =>
        TryToDateTimeOffset(out var value, convention, assumedOffset)
            ? value
            : throw new InvalidOperationException($"Date-time {this} does not denote a single instant");

    public static bool TryDecode(ReadOnlySpan<byte> source, out CosemDateTime value, out int bytesConsumed)
    {
        if (source.Length < EncodedLength)
        {
            value = default;
            bytesConsumed = 0;
            return false;
        }

        CosemDate.TryDecode(source, out var date, out _);
        CosemTime.TryDecode(source[5..], out var time, out _);
        value = new CosemDateTime(date, time, BinaryPrimitives.ReadInt16BigEndian(source[9..]), (ClockStatus)source[11]);
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

        Date.TryEncode(destination, out _);
        Time.TryEncode(destination[5..], out _);
        BinaryPrimitives.WriteInt16BigEndian(destination[9..], Deviation);
        destination[11] = (byte)ClockStatus;
        bytesWritten = EncodedLength;
        return true;
    }

    /// <summary>The 12-byte encoding, as carried in an octet-string.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        TryEncode(bytes, out _);
        return bytes;
    }

    /// <summary>Decodes the 12-byte form carried in an octet-string.</summary>
    public static CosemDateTime FromOctetString(ReadOnlySpan<byte> octets)
    {
        if (octets.Length != EncodedLength || !TryDecode(octets, out var value, out _))
        {
            throw new ArgumentException($"A COSEM date-time is {EncodedLength} bytes, not {octets.Length}", nameof(octets));
        }

        return value;
    }

    public override string ToString()
    {
        var deviation = IsDeviationSpecified ? Deviation.ToString(CultureInfo.InvariantCulture) : "*";
        var status = ClockStatus == ClockStatus.NotSpecified ? "*" : ((byte)ClockStatus).ToString("X2", CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture, $"{Date} {Time} dev={deviation} status={status}");
    }
}
