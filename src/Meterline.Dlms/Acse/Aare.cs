using System.Buffers;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// AARE-apdu ::= [APPLICATION 1] IMPLICIT SEQUENCE (Green Book ACSE ASN.1; IEC 62056-5-3; ISO/IEC 8650-1), BER
/// encoded, first byte 0x61. A rejected association is a value (<see cref="Result"/>), not an exception.
/// <see cref="UserInformation"/> holds an xDLMS InitiateResponse, a ConfirmedServiceError, or a ciphered form.
/// </summary>
public sealed record Aare : Apdu
{
    /// <summary>[APPLICATION 1] constructed.</summary>
    public const byte ApduTag = 0x61;

    // Bit n set for each context tag [n] the AARE defines: [0]..[10], [29], [30].
    private const uint KnownFields = 0x7FFu | (1u << 29) | (1u << 30);

    private readonly string? _implementationInformation;

    public override byte Tag => ApduTag;

    /// <summary>protocol-version [0] IMPLICIT BIT STRING DEFAULT {version1}; null when absent (version1).</summary>
    public AcseProtocolVersion? ProtocolVersion { get; init; }

    /// <summary>application-context-name [1].</summary>
    public required ApplicationContextName ApplicationContextName { get; init; }

    /// <summary>result [2].</summary>
    public required AssociationResult Result { get; init; }

    /// <summary>result-source-diagnostic [3].</summary>
    public required AssociateSourceDiagnostic ResultSourceDiagnostic { get; init; }

    /// <summary>responding-AP-title [4]: the server system title when ciphering is used.</summary>
    public ReadOnlyMemory<byte>? RespondingApTitle { get; init; }

    /// <summary>responding-AE-qualifier [5]: e.g. the server's public key certificate (suite 1 and 2).</summary>
    public ReadOnlyMemory<byte>? RespondingAeQualifier { get; init; }

    /// <summary>responding-AP-invocation-id [6].</summary>
    public int? RespondingApInvocationId { get; init; }

    /// <summary>responding-AE-invocation-id [7].</summary>
    public int? RespondingAeInvocationId { get; init; }

    /// <summary>responder-acse-requirements [8] IMPLICIT BIT STRING.</summary>
    public AcseRequirements? ResponderAcseRequirements { get; init; }

    /// <summary>mechanism-name [9] IMPLICIT OBJECT IDENTIFIER.</summary>
    public AuthenticationMechanism? MechanismName { get; init; }

    /// <summary>responding-authentication-value [10] EXPLICIT: the HLS challenge StoC.</summary>
    public AuthenticationValue? RespondingAuthenticationValue { get; init; }

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
    /// Decodes a plain user-information (an InitiateResponse or a ConfirmedServiceError); null when absent.
    /// Offsets in exceptions count from the start of the user-information octets.
    /// </summary>
    public Apdu? DecodeUserInformation() =>
        UserInformation is { } info ? AssociationInformation.DecodePlain(info.Span) : null;

    public bool Equals(Aare? other) =>
        other is not null && base.Equals(other) &&
        ProtocolVersion == other.ProtocolVersion &&
        ApplicationContextName == other.ApplicationContextName &&
        Result == other.Result &&
        ResultSourceDiagnostic == other.ResultSourceDiagnostic &&
        OptionalBytes.ContentEquals(RespondingApTitle, other.RespondingApTitle) &&
        OptionalBytes.ContentEquals(RespondingAeQualifier, other.RespondingAeQualifier) &&
        RespondingApInvocationId == other.RespondingApInvocationId &&
        RespondingAeInvocationId == other.RespondingAeInvocationId &&
        ResponderAcseRequirements == other.ResponderAcseRequirements &&
        MechanismName == other.MechanismName &&
        Equals(RespondingAuthenticationValue, other.RespondingAuthenticationValue) &&
        ImplementationInformation == other.ImplementationInformation &&
        OptionalBytes.ContentEquals(UserInformation, other.UserInformation);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(ProtocolVersion);
        hash.Add(ApplicationContextName);
        hash.Add(Result);
        hash.Add(ResultSourceDiagnostic);
        OptionalBytes.AddTo(ref hash, RespondingApTitle);
        OptionalBytes.AddTo(ref hash, RespondingAeQualifier);
        hash.Add(RespondingApInvocationId);
        hash.Add(RespondingAeInvocationId);
        hash.Add(ResponderAcseRequirements);
        hash.Add(MechanismName);
        hash.Add(RespondingAuthenticationValue);
        hash.Add(ImplementationInformation);
        OptionalBytes.AddTo(ref hash, UserInformation);
        return hash.ToHashCode();
    }

    /// <summary>Reads an AARE starting at its tag byte; the reader is advanced only on success.</summary>
    internal static Aare Read(ref AxdrReader reader)
    {
        var apduStart = reader.Offset;
        var outer = new BerReader(reader.RemainingBytes, apduStart);
        var body = outer.ReadConstructed(BerTag.Application(1, isConstructed: true));

        AcseProtocolVersion? protocolVersion = null;
        ApplicationContextName? contextName = null;
        AssociationResult? result = null;
        AssociateSourceDiagnostic? diagnostic = null;
        ReadOnlyMemory<byte>? apTitle = null, aeQualifier = null;
        int? apInvocationId = null, aeInvocationId = null;
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
                    result = ReadResult(ref body);
                    break;
                case 3:
                    diagnostic = AssociateSourceDiagnostic.Read(ref body, AcseFields.Explicit(3));
                    break;
                case 4:
                    apTitle = AcseFields.ReadExplicitOctetString(ref body, 4);
                    break;
                case 5:
                    aeQualifier = AcseFields.ReadExplicitOctetString(ref body, 5);
                    break;
                case 6:
                    apInvocationId = AcseFields.ReadExplicitInteger(ref body, 6);
                    break;
                case 7:
                    aeInvocationId = AcseFields.ReadExplicitInteger(ref body, 7);
                    break;
                case 8:
                    requirements = (AcseRequirements)AcseFields.ReadBitString(ref body, 8);
                    break;
                case 9:
                    mechanism = AcseFields.ReadMechanismName(ref body, 9);
                    break;
                case 10:
                    authenticationValue = AuthenticationValue.Read(ref body, AcseFields.Explicit(10));
                    break;
                case 29:
                    implementationInformation = AcseFields.ReadGraphicString(ref body, 29);
                    break;
                default:
                    userInformation = AcseFields.ReadExplicitOctetString(ref body, 30);
                    break;
            }
        }

        if (contextName is not { } applicationContextName || result is not { } associationResult ||
            diagnostic is not { } sourceDiagnostic)
        {
            throw new DlmsFormatException(
                DlmsErrorReason.Malformed,
                apduStart,
                "AARE lacks application-context-name, result or result-source-diagnostic");
        }

        var aare = new Aare
        {
            ProtocolVersion = protocolVersion,
            ApplicationContextName = applicationContextName,
            Result = associationResult,
            ResultSourceDiagnostic = sourceDiagnostic,
            RespondingApTitle = apTitle,
            RespondingAeQualifier = aeQualifier,
            RespondingApInvocationId = apInvocationId,
            RespondingAeInvocationId = aeInvocationId,
            ResponderAcseRequirements = requirements,
            MechanismName = mechanism,
            RespondingAuthenticationValue = authenticationValue,
            ImplementationInformation = implementationInformation,
            UserInformation = userInformation,
        };
        reader.ReadBytes(outer.Position);
        return aare;
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        if (!Enum.IsDefined(Result))
        {
            throw new InvalidOperationException("Result is not an Association-result value");
        }

        var fields = new ArrayBufferWriter<byte>(128);
        var body = new BerWriter(fields);
        AcseFields.WriteBitString(body, 0, (uint?)ProtocolVersion);
        AcseFields.WriteApplicationContextName(body, 1, ApplicationContextName);
        AcseFields.WriteExplicitInteger(body, 2, (int)Result);
        ResultSourceDiagnostic.Write(body, AcseFields.Explicit(3));
        AcseFields.WriteExplicitOctetString(body, 4, RespondingApTitle);
        AcseFields.WriteExplicitOctetString(body, 5, RespondingAeQualifier);
        AcseFields.WriteExplicitInteger(body, 6, RespondingApInvocationId);
        AcseFields.WriteExplicitInteger(body, 7, RespondingAeInvocationId);
        AcseFields.WriteBitString(body, 8, (uint?)ResponderAcseRequirements);
        AcseFields.WriteMechanismName(body, 9, MechanismName);
        RespondingAuthenticationValue?.Write(body, AcseFields.Explicit(10));
        AcseFields.WriteGraphicString(body, 29, ImplementationInformation);
        AcseFields.WriteExplicitOctetString(body, 30, UserInformation);
        AcseFields.WriteApdu(writer, 1, fields);
    }

    /// <summary>result [2] EXPLICIT Association-result; values outside the standard's three are rejected.</summary>
    private static AssociationResult ReadResult(ref BerReader body)
    {
        var start = body.Offset;
        var value = AcseFields.ReadExplicitInteger(ref body, 2);
        if (!Enum.IsDefined((AssociationResult)value))
        {
            throw new DlmsFormatException(DlmsErrorReason.UnknownTag, start, $"Unknown Association-result {value}");
        }

        return (AssociationResult)value;
    }
}
