using System.Buffers.Binary;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// The nine-byte layout attribute and method descriptors share: class-id (Unsigned16), instance-id (six bytes, no
/// length prefix), attribute- or method-id (Integer8).
/// </summary>
internal static class CosemItemLayout
{
    public const int EncodedLength = 9;

    public static bool TryDecode(ReadOnlySpan<byte> source, out ushort classId, out ObisCode instanceId, out sbyte itemId)
    {
        if (source.Length < EncodedLength)
        {
            (classId, instanceId, itemId) = (0, default, 0);
            return false;
        }

        classId = BinaryPrimitives.ReadUInt16BigEndian(source);
        ObisCode.TryDecode(source[2..], out instanceId, out _);
        itemId = unchecked((sbyte)source[8]);
        return true;
    }

    public static bool TryEncode(Span<byte> destination, ushort classId, ObisCode instanceId, sbyte itemId)
    {
        if (destination.Length < EncodedLength)
        {
            return false;
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, classId);
        instanceId.TryEncode(destination[2..], out _);
        destination[8] = unchecked((byte)itemId);
        return true;
    }

    public static (ushort ClassId, ObisCode InstanceId, sbyte ItemId) Read(ref AxdrReader reader)
    {
        var classId = reader.ReadUInt16();
        var instance = ObisCode.Read(ref reader);
        return (classId, instance, reader.ReadSByte());
    }

    public static void Write(AxdrWriter writer, ushort classId, ObisCode instanceId, sbyte itemId)
    {
        writer.WriteUInt16(classId);
        instanceId.Write(writer);
        writer.WriteSByte(itemId);
    }
}
