using System.Buffers;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// A DLMS/COSEM APDU: the ACSE APDUs (AARQ, AARE, RLRQ, RLRE), the xDLMS service APDUs and their ciphered and
/// signed forms. A closed hierarchy of immutable records; <see cref="ApduCodec"/> holds the one decoding switch.
/// </summary>
public abstract record Apdu
{
    private protected Apdu()
    {
    }

    /// <summary>The first byte of the encoding (the APDU's tag).</summary>
    public abstract byte Tag { get; }

    /// <summary>Writes the whole APDU, tag included.</summary>
    internal abstract void WriteTo(AxdrWriter writer);

    /// <summary>Encodes the APDU to a new array.</summary>
    public byte[] ToArray()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        WriteTo(new AxdrWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes the APDU to <paramref name="output"/>.</summary>
    public void Encode(IBufferWriter<byte> output) => WriteTo(new AxdrWriter(output));
}
