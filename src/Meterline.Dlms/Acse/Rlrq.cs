using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// RLRQ-apdu ::= [APPLICATION 2] IMPLICIT SEQUENCE (Green Book ACSE ASN.1), BER encoded, first byte 0x62. When
/// ciphering is used, <see cref="UserInformation"/> carries a ciphered xDLMS InitiateRequest.
/// </summary>
public sealed record Rlrq : Apdu
{
    /// <summary>[APPLICATION 2] constructed.</summary>
    public const byte ApduTag = 0x62;

    public override byte Tag => ApduTag;

    /// <summary>reason [0] IMPLICIT Release-request-reason OPTIONAL.</summary>
    public ReleaseRequestReason? Reason { get; init; }

    /// <summary>user-information [30] EXPLICIT Association-information OPTIONAL.</summary>
    public ReadOnlyMemory<byte>? UserInformation { get; init; }

    /// <summary>True when the user-information is present and ciphered (it must be deciphered first).</summary>
    public bool IsUserInformationCiphered =>
        UserInformation is { } info && AssociationInformation.IsCiphered(info.Span);

    /// <summary>Decodes a plain user-information; null when absent. Offsets count from the user-information.</summary>
    public Apdu? DecodeUserInformation() =>
        UserInformation is { } info ? AssociationInformation.DecodePlain(info.Span) : null;

    public bool Equals(Rlrq? other) =>
        other is not null && base.Equals(other) && Reason == other.Reason &&
        OptionalBytes.ContentEquals(UserInformation, other.UserInformation);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Reason);
        OptionalBytes.AddTo(ref hash, UserInformation);
        return hash.ToHashCode();
    }

    /// <summary>Reads an RLRQ starting at its tag byte; the reader is advanced only on success.</summary>
    internal static Rlrq Read(ref AxdrReader reader)
    {
        var (reason, userInformation) = ReleaseFields.Read<ReleaseRequestReason>(ref reader, 2);
        return new Rlrq { Reason = reason, UserInformation = userInformation };
    }

    internal override void WriteTo(AxdrWriter writer) =>
        ReleaseFields.Write(writer, 2, (int?)Reason, UserInformation);
}
