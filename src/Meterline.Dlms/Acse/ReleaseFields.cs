using System.Buffers;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// The shared shape of RLRQ-apdu and RLRE-apdu (Green Book ACSE ASN.1): [APPLICATION n] IMPLICIT SEQUENCE
/// { reason [0] IMPLICIT INTEGER OPTIONAL, user-information [30] EXPLICIT Association-information OPTIONAL }.
/// </summary>
internal static class ReleaseFields
{
    private const uint KnownFields = 1u | (1u << 30);

    /// <summary>Reads the APDU at its tag byte; the reader is advanced only on success.</summary>
    public static (TReason? Reason, ReadOnlyMemory<byte>? UserInformation) Read<TReason>(ref AxdrReader reader, int applicationTag)
        where TReason : struct, Enum
    {
        var outer = new BerReader(reader.RemainingBytes, reader.Offset);
        var body = outer.ReadConstructed(BerTag.Application(applicationTag, isConstructed: true));
        TReason? reason = null;
        ReadOnlyMemory<byte>? userInformation = null;
        var lastField = -1;
        while (!body.IsAtEnd)
        {
            var tag = body.PeekTag();
            if (!AcseFields.BeginField(ref body, tag, KnownFields, ref lastField))
            {
                body.SkipElement();
            }
            else if (tag.TagValue == 0)
            {
                var start = body.Offset;
                var value = (TReason)Enum.ToObject(typeof(TReason), body.ReadInteger(AcseFields.Implicit(0)));
                if (!Enum.IsDefined(value))
                {
                    throw new DlmsFormatException(DlmsErrorReason.UnknownTag, start, $"Unknown {typeof(TReason).Name} {value}");
                }

                reason = value;
            }
            else
            {
                userInformation = AcseFields.ReadExplicitOctetString(ref body, 30);
            }
        }

        reader.ReadBytes(outer.Position);
        return (reason, userInformation);
    }

    public static void Write(AxdrWriter writer, int applicationTag, int? reason, ReadOnlyMemory<byte>? userInformation)
    {
        var fields = new ArrayBufferWriter<byte>(64);
        var body = new BerWriter(fields);
        if (reason is { } r)
        {
            body.WriteInteger(AcseFields.Implicit(0), r);
        }

        AcseFields.WriteExplicitOctetString(body, 30, userInformation);
        AcseFields.WriteApdu(writer, applicationTag, fields);
    }
}
