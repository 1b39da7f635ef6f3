using System.Buffers;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// AARQ-apdu ::= [APPLICATION 0] IMPLICIT SEQUENCE (Green Book ACSE ASN.1; IEC 62056-5-3 §9 and Annex; ISO/IEC
/// 8650-1), BER encoded, first byte 0x60. Optional fields are null when absent. <see cref="UserInformation"/> holds
/// the octets of the Association-information OCTET STRING: an xDLMS InitiateRequest or its ciphered form.
/// </summary>
public sealed record Aarq : Apdu
{
    /// <summary>[APPLICATION 0] constructed.</summary>
    public const byte ApduTag = 0x60;

    // Bit n set for each context tag [n] the AARQ defines: [0]..[12], [29], [30].
    private const uint KnownFields = 0x1FFFu | (1u << 29) | (1u << 30);

    private readonly string? _implementationInformation;

    public override byte Tag => ApduTag;

    /// <summary>protocol-version [0] IMPLICIT BIT STRING DEFAULT {version1}; null when absent (version1).</summary>
    public AcseProtocolVersion? ProtocolVersion { get; init; }

    /// <summary>application-context-name [1].</summary>
    public required ApplicationContextName ApplicationContextName { get; init; }

    /// <summary>called-AP-title [2].</summary>
    public ReadOnlyMemory<byte>? CalledApTitle { get; init; }

    /// <summary>called-AE-qualifier [3].</summary>
    public ReadOnlyMemory<byte>? CalledAeQualifier { get; init; }

    /// <summary>called-AP-invocation-id [4].</summary>
    public int? CalledApInvocationId { get; init; }

    /// <summary>called-AE-invocation-id [5].</summary>
    public int? CalledAeInvocationId { get; init; }

    /// <summary>calling-AP-title [6]: the client system title when ciphering is used.</summary>
    public ReadOnlyMemory<byte>? CallingApTitle { get; init; }

    /// <summary>calling-AE-qualifier [7]: e.g. the client's public key certificate (suite 1 and 2).</summary>
    public ReadOnlyMemory<byte>? CallingAeQualifier { get; init; }

    /// <summary>calling-AP-invocation-id [8].</summary>
    public int? CallingApInvocationId { get; init; }

    /// <summary>calling-AE-invocation-id [9]: e.g. the user id.</summary>
    public int? CallingAeInvocationId { get; init; }

    /// <summary>sender-acse-requirements [10] IMPLICIT BIT STRING; authentication selected when bit 0 is set.</summary>
    public AcseRequirements? SenderAcseRequirements { get; init; }

    /// <summary>mechanism-name [11] IMPLICIT OBJECT IDENTIFIER.</summary>
    public AuthenticationMechanism? MechanismName { get; init; }

    /// <summary>calling-authentication-value [12] EXPLICIT: the LLS password or the HLS challenge CtoS.</summary>
    public AuthenticationValue? CallingAuthenticationValue { get; init; }

    /// <summary>implementation-information [29] IMPLICIT GraphicString, one character per octet.</summary>
    public string? ImplementationInformation
    {
        get => _implementationInformation;
        init => _implementationInformation = AcseFields.CheckGraphicString(value, nameof(value));
    }

    /// <summary>user-information [30] EXPLICIT Association-information (an OCTET STRING).</summary>
    public ReadOnlyMemory<byte>? UserInformation { get; init; }

    /// <summary>True when the user-information is present and ciphered (it must be deciphered first).</summary>
    public bool IsUserInformationCiphered =>
        UserInformation is { } info && AssociationInformation.IsCiphered(info.Span);

    /// <summary>
    /// Decodes a plain user-information (an InitiateRequest is expected); null when absent.
    /// Offsets in exceptions count from the start of the user-information octets.
    /// </summary>
    public Apdu? DecodeUserInformation() =>
        UserInformation is { } info ? AssociationInformation.DecodePlain(info.Span) : null;

    public bool Equals(Aarq? other) =>
        other is not null && base.Equals(other) &&
        ProtocolVersion == other.ProtocolVersion &&
        ApplicationContextName == other.ApplicationContextName &&
        OptionalBytes.ContentEquals(CalledApTitle, other.CalledApTitle) &&
        OptionalBytes.ContentEquals(CalledAeQualifier, other.CalledAeQualifier) &&
        CalledApInvocationId == other.CalledApInvocationId &&
        CalledAeInvocationId == other.CalledAeInvocationId &&
        OptionalBytes.ContentEquals(CallingApTitle, other.CallingApTitle) &&
        OptionalBytes.ContentEquals(CallingAeQualifier, other.CallingAeQualifier) &&
        CallingApInvocationId == other.CallingApInvocationId &&
        CallingAeInvocationId == other.CallingAeInvocationId &&
        SenderAcseRequirements == other.SenderAcseRequirements &&
        MechanismName == other.MechanismName &&
        Equals(CallingAuthenticationValue, other.CallingAuthenticationValue) &&
        ImplementationInformation == other.ImplementationInformation &&
        OptionalBytes.ContentEquals(UserInformation, other.UserInformation);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ProtocolVersion);
        hash.Add(ApplicationContextName);
        OptionalBytes.AddTo(ref hash, CalledApTitle);
        OptionalBytes.AddTo(ref hash, CalledAeQualifier);
        hash.Add(CalledApInvocationId);
        hash.Add(CalledAeInvocationId);
        OptionalBytes.AddTo(ref hash, CallingApTitle);
        OptionalBytes.AddTo(ref hash, CallingAeQualifier);
        hash.Add(CallingApInvocationId);
        hash.Add(CallingAeInvocationId);
        hash.Add(SenderAcseRequirements);
        hash.Add(MechanismName);
        hash.Add(CallingAuthenticationValue);
        hash.Add(ImplementationInformation);
        OptionalBytes.AddTo(ref hash, UserInformation);
        return hash.ToHashCode();
    }

    /// <summary>Reads an AARQ starting at its tag byte; the reader is advanced only on success.</summary>
    internal static Aarq Read(ref AxdrReader reader)
    {
        var apduStart = reader.Offset;
        var outer = new BerReader(reader.RemainingBytes, apduStart);
        var body = outer.ReadConstructed(BerTag.Application(0, isConstructed: true));

        AcseProtocolVersion? protocolVersion = null;
        ApplicationContextName? contextName = null;
        ReadOnlyMemory<byte>? calledApTitle = null, calledAeQualifier = null, callingApTitle = null, callingAeQualifier = null;
        int? calledApInvocationId = null, calledAeInvocationId = null, callingApInvocationId = null, callingAeInvocationId = null;
        AcseRequirements? requirements = null;
        AuthenticationMechanism? mechanism = null;
        AuthenticationValue? authenticationValue = null;
        string? implementationInformation = null;
        ReadOnlyMemory<byte>? userInformation = null;

        var lastField = -1;
        while (!body.IsAtEnd)
        {
            var tag = body.PeekTag();
            if (!AcseFields.BeginField(ref body, tag, KnownFields, ref lastField))
            {
                body.SkipElement();
                continue;
            }

            switch (tag.TagValue)
            {
                case 0:
                    protocolVersion = (AcseProtocolVersion)AcseFields.ReadBitString(ref body, 0);
                    break;
                case 1:
                    contextName = AcseFields.ReadApplicationContextName(ref body, 1);
                    break;
                case 2:
                    calledApTitle = AcseFields.ReadExplicitOctetString(ref body, 2);
                    break;
                case 3:
                    calledAeQualifier = AcseFields.ReadExplicitOctetString(ref body, 3);
                    break;
                case 4:
                    calledApInvocationId = AcseFields.ReadExplicitInteger(ref body, 4);
                    break;
                case 5:
                    calledAeInvocationId = AcseFields.ReadExplicitInteger(ref body, 5);
                    break;
                case 6:
                    callingApTitle = AcseFields.ReadExplicitOctetString(ref body, 6);
                    break;
                case 7:
                    callingAeQualifier = AcseFields.ReadExplicitOctetString(ref body, 7);
                    break;
                case 8:
                    callingApInvocationId = AcseFields.ReadExplicitInteger(ref body, 8);
                    break;
                case 9:
                    callingAeInvocationId = AcseFields.ReadExplicitInteger(ref body, 9);
                    break;
                case 10:
                    requirements = (AcseRequirements)AcseFields.ReadBitString(ref body, 10);
                    break;
                case 11:
                    mechanism = AcseFields.ReadMechanismName(ref body, 11);
                    break;
                case 12:
                    authenticationValue = AuthenticationValue.Read(ref body, AcseFields.Explicit(12));
                    break;
                case 29:
                    implementationInformation = AcseFields.ReadGraphicString(ref body, 29);
                    break;
                default:
                    userInformation = AcseFields.ReadExplicitOctetString(ref body, 30);
                    break;
            }
        }

        if (contextName is not { } applicationContextName)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, apduStart, "AARQ has no application-context-name");
        }

        var aarq = new Aarq
        {
            ProtocolVersion = protocolVersion,
            ApplicationContextName = applicationContextName,
            CalledApTitle = calledApTitle,
            CalledAeQualifier = calledAeQualifier,
            CalledApInvocationId = calledApInvocationId,
            CalledAeInvocationId = calledAeInvocationId,
            CallingApTitle = callingApTitle,
            CallingAeQualifier = callingAeQualifier,
            CallingApInvocationId = callingApInvocationId,
            CallingAeInvocationId = callingAeInvocationId,
            SenderAcseRequirements = requirements,
            MechanismName = mechanism,
            CallingAuthenticationValue = authenticationValue,
            ImplementationInformation = implementationInformation,
            UserInformation = userInformation,
        };
        reader.ReadBytes(outer.Position);
        return aarq;
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        var fields = new ArrayBufferWriter<byte>(128);
        var body = new BerWriter(fields);
        AcseFields.WriteBitString(body, 0, (uint?)ProtocolVersion);
        AcseFields.WriteApplicationContextName(body, 1, ApplicationContextName);
        AcseFields.WriteExplicitOctetString(body, 2, CalledApTitle);
        AcseFields.WriteExplicitOctetString(body, 3, CalledAeQualifier);
        AcseFields.WriteExplicitInteger(body, 4, CalledApInvocationId);
        AcseFields.WriteExplicitInteger(body, 5, CalledAeInvocationId);
        AcseFields.WriteExplicitOctetString(body, 6, CallingApTitle);
        AcseFields.WriteExplicitOctetString(body, 7, CallingAeQualifier);
        AcseFields.WriteExplicitInteger(body, 8, CallingApInvocationId);
        AcseFields.WriteExplicitInteger(body, 9, CallingAeInvocationId);
        AcseFields.WriteBitString(body, 10, (uint?)SenderAcseRequirements);
        AcseFields.WriteMechanismName(body, 11, MechanismName);
        CallingAuthenticationValue?.Write(body, AcseFields.Explicit(12));
        AcseFields.WriteGraphicString(body, 29, ImplementationInformation);
        AcseFields.WriteExplicitOctetString(body, 30, UserInformation);
        AcseFields.WriteApdu(writer, 0, fields);
    }
}
