using System.Buffers.Binary;

namespace Meterline.Dlms.Hdlc;

/// <summary>
/// HDLC link parameters negotiated in the information fields of SNRM and UA (IEC 62056-46 §6.4.4.4.3.2):
/// format identifier 0x81, group identifier 0x80, group length, then parameters 0x05 maximum information field length
/// transmit, 0x06 … receive, 0x07 window size transmit, 0x08 … receive. Lengths are from the sender's point of view.
/// </summary>
public sealed record HdlcParameters(int MaxInformationLengthTransmit, int MaxInformationLengthReceive, int WindowSizeTransmit, int WindowSizeReceive)
{
    public const int DefaultMaxInformationLength = 128;
    public const int DefaultWindowSize = 1;

    private const byte FormatIdentifier = 0x81;
    private const byte GroupIdentifier = 0x80;

    /// <summary>The defaults that apply when a parameter, or the whole field, is absent.</summary>
    public static HdlcParameters Default { get; } = new(DefaultMaxInformationLength, DefaultMaxInformationLength, DefaultWindowSize, DefaultWindowSize);

    /// <summary>Encodes the information field for SNRM or UA.</summary>
    public byte[] Encode()
    {
        Span<byte> body = stackalloc byte[32];
        var at = 0;
        at += WriteParameter(body[at..], 0x05, (uint)MaxInformationLengthTransmit, 2);
        at += WriteParameter(body[at..], 0x06, (uint)MaxInformationLengthReceive, 2);
        at += WriteParameter(body[at..], 0x07, (uint)WindowSizeTransmit, 4);
        at += WriteParameter(body[at..], 0x08, (uint)WindowSizeReceive, 4);
        var result = new byte[3 + at];
        result[0] = FormatIdentifier;
        result[1] = GroupIdentifier;
        result[2] = (byte)at;
        body[..at].CopyTo(result.AsSpan(3));
        return result;
    }

    /// <summary>
    /// Decodes an SNRM/UA information field; an empty field means all defaults. Throws
    /// <see cref="DlmsFormatException"/> on a malformed field; unknown parameters are skipped.
    /// </summary>
    public static HdlcParameters Decode(ReadOnlySpan<byte> field)
    {
        if (field.IsEmpty)
        {
            return Default;
        }

        if (field.Length < 3 || field[0] != FormatIdentifier || field[1] != GroupIdentifier)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, 0, "HDLC parameter field must start with 81 80");
        }

        if (field[2] != field.Length - 3)
        {
            throw new DlmsFormatException(DlmsErrorReason.LengthOutOfRange, 2, "HDLC parameter group length disagrees with the field");
        }

        var result = Default;
        var at = 3;
        while (at < field.Length)
        {
            if (at + 2 > field.Length || field[at + 1] is 0 or > 4 || at + 2 + field[at + 1] > field.Length)
            {
                throw new DlmsFormatException(DlmsErrorReason.LengthOutOfRange, at, "HDLC parameter runs past the field");
            }

            uint value = 0;
            foreach (var b in field.Slice(at + 2, field[at + 1]))
            {
                value = (value << 8) | b;
            }

            result = field[at] switch
            {
                0x05 => result with { MaxInformationLengthTransmit = CheckLength(value, at) },
                0x06 => result with { MaxInformationLengthReceive = CheckLength(value, at) },
                0x07 => result with { WindowSizeTransmit = CheckWindow(value, at) },
                0x08 => result with { WindowSizeReceive = CheckWindow(value, at) },
                _ => result,
            };
            at += 2 + field[at + 1];
        }

        return result;
    }

    /// <summary>
    /// What a server answers to a client's proposal: each value the smaller of the proposal (seen from the other side)
    /// and the server's own limits.
    /// </summary>
    public HdlcParameters NegotiateAsServer(HdlcParameters proposal)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return new HdlcParameters(
            Math.Min(MaxInformationLengthTransmit, proposal.MaxInformationLengthReceive),
            Math.Min(MaxInformationLengthReceive, proposal.MaxInformationLengthTransmit),
            Math.Min(WindowSizeTransmit, proposal.WindowSizeReceive),
            Math.Min(WindowSizeReceive, proposal.WindowSizeTransmit));
    }

    private static int CheckLength(uint value, int at) => value is >= 1 and <= 2030
        ? (int)value
        : throw new DlmsFormatException(DlmsErrorReason.LengthOutOfRange, at, $"Maximum information length {value} is outside 1–2030");

    private static int CheckWindow(uint value, int at) => value is >= 1 and <= 7
        ? (int)value
        : throw new DlmsFormatException(DlmsErrorReason.LengthOutOfRange, at, $"Window size {value} is outside 1–7");

    private static int WriteParameter(Span<byte> destination, byte id, uint value, int preferredSize)
    {
        // Lengths use one byte when they fit (as meters send them), windows four, as in IEC 62056-46 examples.
        var size = preferredSize == 2 && value <= 0xFF ? 1 : preferredSize;
        destination[0] = id;
        destination[1] = (byte)size;
        Span<byte> value4 = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value4, value);
        value4[(4 - size)..].CopyTo(destination[2..]);
        return 2 + size;
    }
}
