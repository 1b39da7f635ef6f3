using System.Buffers;
using System.Buffers.Binary;

namespace Meterline.Dlms.Wrapper;

/// <summary>
/// A DLMS/COSEM transport-layer wrapper frame (IEC 62056-47 §7): an 8-byte header — version 0x0001, source wPort,
/// destination wPort, length of the APDU — followed by the APDU. Used over TCP (port 4059) and UDP.
/// </summary>
public sealed record WrapperFrame(ushort SourceWPort, ushort DestinationWPort, ReadOnlyMemory<byte> Apdu)
{
    public const int HeaderLength = 8;
    public const ushort Version = 0x0001;

    /// <summary>The registered DLMS/COSEM port for TCP and UDP.</summary>
    public const int DefaultPort = 4059;

    /// <summary>Writes header and APDU.</summary>
    public void Encode(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Apdu.Length > ushort.MaxValue)
        {
            throw new InvalidOperationException("A wrapper frame carries at most 65535 bytes");
        }

        var span = output.GetSpan(HeaderLength + Apdu.Length);
        WriteHeader(span, SourceWPort, DestinationWPort, Apdu.Length);
        Apdu.Span.CopyTo(span[HeaderLength..]);
        output.Advance(HeaderLength + Apdu.Length);
    }

    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(HeaderLength + Apdu.Length);
        Encode(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes an 8-byte header.</summary>
    public static void WriteHeader(Span<byte> destination, ushort sourceWPort, ushort destinationWPort, int apduLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], sourceWPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], destinationWPort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], checked((ushort)apduLength));
    }

    /// <summary>
    /// Decodes one UDP datagram, which must hold exactly one frame: a header whose length disagrees with the bytes
    /// that follow is an error (IEC 62056-47), never a wait.
    /// </summary>
    public static WrapperFrame DecodeDatagram(ReadOnlySpan<byte> datagram)
    {
        if (datagram.Length < HeaderLength)
        {
            throw new DlmsFormatException(DlmsErrorReason.Truncated, datagram.Length, "Wrapper header is 8 bytes");
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(datagram) != Version)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, 0, "Wrapper version is not 1");
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]);
        if (length != datagram.Length - HeaderLength)
        {
            throw new DlmsFormatException(DlmsErrorReason.LengthOutOfRange, 6, $"Wrapper length {length} disagrees with the {datagram.Length - HeaderLength} bytes that follow");
        }

        return new WrapperFrame(
            BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]),
            BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]),
            datagram[HeaderLength..].ToArray());
    }

    public bool Equals(WrapperFrame? other) =>
        other is not null && SourceWPort == other.SourceWPort && DestinationWPort == other.DestinationWPort
        && Apdu.Span.SequenceEqual(other.Apdu.Span);

    public override int GetHashCode() => HashCode.Combine(SourceWPort, DestinationWPort, Apdu.Length);

    public override string ToString() => $"Wrapper {SourceWPort}->{DestinationWPort} apdu={Apdu.Length}";
}
