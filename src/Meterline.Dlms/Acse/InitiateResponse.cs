using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// xDLMS InitiateResponse ::= SEQUENCE (Green Book xDLMS ASN.1), A-XDR encoded with tag 0x08:
/// negotiated-quality-of-service [0] IMPLICIT Integer8 OPTIONAL, negotiated-dlms-version-number Unsigned8,
/// negotiated-conformance (BER encoded), server-max-receive-pdu-size Unsigned16, vaa-name ObjectName.
/// </summary>
public sealed record InitiateResponse : Apdu
{
    public const byte ApduTag = 0x08;

    /// <summary>The vaa-name of a logical name referencing association.</summary>
    public const ushort LogicalNameVaaName = 0x0007;

    /// <summary>The vaa-name (base name) of a short name referencing association.</summary>
    public const ushort ShortNameVaaName = 0xFA00;

    public override byte Tag => ApduTag;

    /// <summary>negotiated-quality-of-service [0] IMPLICIT Integer8 OPTIONAL.</summary>
    public sbyte? NegotiatedQualityOfService { get; init; }

    public byte NegotiatedDlmsVersionNumber { get; init; } = 6;

    public Conformance NegotiatedConformance { get; init; }

    public ushort ServerMaxReceivePduSize { get; init; }

    /// <summary>
    /// vaa-name, an ObjectName (Integer16) shown unsigned as the Green Book does: 0x0007 for LN referencing,
    /// the base name 0xFA00 for SN referencing.
    /// </summary>
    public ushort VaaName { get; init; } = LogicalNameVaaName;

    /// <summary>Reads an InitiateResponse starting at its tag byte; the reader is advanced only on success.</summary>
    internal static InitiateResponse Read(ref AxdrReader reader)
    {
        var r = reader;
        var tag = r.ReadByte();
        if (tag != ApduTag)
        {
            throw r.ErrorAt(r.Position - 1, DlmsErrorReason.UnknownTag, $"Tag 0x{tag:X2} is not an InitiateResponse");
        }

        sbyte? qualityOfService = XdlmsFields.ReadUsageFlag(ref r) ? r.ReadSByte() : null;
        var version = r.ReadByte();
        var conformance = ConformanceBlock.Read(ref r);
        var maxPduSize = r.ReadUInt16();
        var vaaName = r.ReadUInt16();
        reader = r;
        return new InitiateResponse
        {
            NegotiatedQualityOfService = qualityOfService,
            NegotiatedDlmsVersionNumber = version,
            NegotiatedConformance = conformance,
            ServerMaxReceivePduSize = maxPduSize,
            VaaName = vaaName,
        };
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(ApduTag);
        XdlmsFields.WriteOptionalInteger8(writer, NegotiatedQualityOfService);
        writer.WriteByte(NegotiatedDlmsVersionNumber);
        ConformanceBlock.Write(writer, NegotiatedConformance);
        writer.WriteUInt16(ServerMaxReceivePduSize);
        writer.WriteUInt16(VaaName);
    }
}
