using System.Security.Cryptography;
using System.Text;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// xDLMS InitiateRequest ::= SEQUENCE (Green Book xDLMS ASN.1), A-XDR encoded with tag 0x01: dedicated-key
/// OCTET STRING OPTIONAL, response-allowed BOOLEAN DEFAULT TRUE, proposed-quality-of-service [0] IMPLICIT Integer8
/// OPTIONAL, proposed-dlms-version-number Unsigned8, proposed-conformance (BER encoded), client-max-receive-pdu-size
/// Unsigned16. The dedicated key is a secret: it is compared in constant time and never printed.
/// </summary>
public sealed record InitiateRequest : Apdu
{
    public const byte ApduTag = 0x01;

    private readonly ReadOnlyMemory<byte>? _dedicatedKey;

    public override byte Tag => ApduTag;

    /// <summary>dedicated-key: the key the server uses to cipher with dedicated ciphering, or null.</summary>
    public ReadOnlyMemory<byte>? DedicatedKey
    {
        get => _dedicatedKey;
        init
        {
            // Copied, so that the caller cannot change the key later; a conditional expression would turn null
            // into an empty key through the implicit array conversion.
            _dedicatedKey = null;
            if (value is { } key)
            {
                _dedicatedKey = key.ToArray();
            }
        }
    }

    /// <summary>response-allowed: false for an unconfirmed association.</summary>
    public bool ResponseAllowed { get; init; } = true;

    /// <summary>proposed-quality-of-service [0] IMPLICIT Integer8 OPTIONAL.</summary>
    public sbyte? ProposedQualityOfService { get; init; }

    /// <summary>proposed-dlms-version-number: 6 for DLMS version 6.</summary>
    public byte ProposedDlmsVersionNumber { get; init; } = 6;

    public Conformance ProposedConformance { get; init; }

    /// <summary>client-max-receive-pdu-size: 0 means no limit.</summary>
    public ushort ClientMaxReceivePduSize { get; init; }

    public bool Equals(InitiateRequest? other) =>
        other is not null && base.Equals(other) &&
        KeysEqual(_dedicatedKey, other._dedicatedKey) &&
        ResponseAllowed == other.ResponseAllowed &&
        ProposedQualityOfService == other.ProposedQualityOfService &&
        ProposedDlmsVersionNumber == other.ProposedDlmsVersionNumber &&
        ProposedConformance == other.ProposedConformance &&
        ClientMaxReceivePduSize == other.ClientMaxReceivePduSize;

    /// <summary>Depends on the key's presence and length only, never on the key.</summary>
    public override int GetHashCode() => HashCode.Combine(
        _dedicatedKey?.Length ?? -1,
        ResponseAllowed,
        ProposedQualityOfService,
        ProposedDlmsVersionNumber,
        ProposedConformance,
        ClientMaxReceivePduSize);

    /// <summary>Reads an InitiateRequest starting at its tag byte; the reader is advanced only on success.</summary>
    internal static InitiateRequest Read(ref AxdrReader reader)
    {
        var r = reader;
        var tag = r.ReadByte();
        if (tag != ApduTag)
        {
            throw r.ErrorAt(r.Position - 1, DlmsErrorReason.UnknownTag, $"Tag 0x{tag:X2} is not an InitiateRequest");
        }

        ReadOnlyMemory<byte>? key = null;
        if (XdlmsFields.ReadUsageFlag(ref r))
        {
            key = r.ReadLengthPrefixedBytes().ToArray();
        }

        // DEFAULT TRUE: 0x00 means the default; 0x01 is followed by the value.
        var responseAllowed = !XdlmsFields.ReadUsageFlag(ref r) || r.ReadBoolean();
        sbyte? qualityOfService = XdlmsFields.ReadUsageFlag(ref r) ? r.ReadSByte() : null;
        var version = r.ReadByte();
        var conformance = ConformanceBlock.Read(ref r);
        var maxPduSize = r.ReadUInt16();
        reader = r;
        return new InitiateRequest
        {
            DedicatedKey = key,
            ResponseAllowed = responseAllowed,
            ProposedQualityOfService = qualityOfService,
            ProposedDlmsVersionNumber = version,
            ProposedConformance = conformance,
            ClientMaxReceivePduSize = maxPduSize,
        };
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(ApduTag);
        if (_dedicatedKey is { } key)
        {
            writer.WriteByte(1);
            writer.WriteLengthPrefixedBytes(key.Span);
        }
        else
        {
            writer.WriteByte(0);
        }

        if (ResponseAllowed)
        {
            writer.WriteByte(0);
        }
        else
        {
            writer.WriteByte(1);
            writer.WriteBoolean(false);
        }

        XdlmsFields.WriteOptionalInteger8(writer, ProposedQualityOfService);
        writer.WriteByte(ProposedDlmsVersionNumber);
        ConformanceBlock.Write(writer, ProposedConformance);
        writer.WriteUInt16(ClientMaxReceivePduSize);
    }

    /// <summary>Prints the key's length only.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        if (base.PrintMembers(builder))
        {
            builder.Append(", ");
        }

        builder.Append("DedicatedKey = ")
            .Append(_dedicatedKey is { } key ? $"<redacted, {key.Length} bytes>" : "null")
            .Append(", ResponseAllowed = ").Append(ResponseAllowed)
            .Append(", ProposedQualityOfService = ").Append(ProposedQualityOfService)
            .Append(", ProposedDlmsVersionNumber = ").Append(ProposedDlmsVersionNumber)
            .Append(", ProposedConformance = ").Append(ProposedConformance)
            .Append(", ClientMaxReceivePduSize = ").Append(ClientMaxReceivePduSize);
        return true;
    }

    private static bool KeysEqual(ReadOnlyMemory<byte>? left, ReadOnlyMemory<byte>? right) =>
        left is { } l ? right is { } r && CryptographicOperations.FixedTimeEquals(l.Span, r.Span) : right is null;
}
