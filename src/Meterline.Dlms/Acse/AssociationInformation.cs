using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// Association-information, the OCTET STRING carried in the user-information field of AARQ, AARE, RLRQ and RLRE:
/// an A-XDR encoded xDLMS InitiateRequest, InitiateResponse or ConfirmedServiceError, or one of their ciphered
/// forms (Green Book xDLMS APDU tags).
/// </summary>
public static class AssociationInformation
{
    /// <summary>True when the content starts with the tag of a ciphered or signed xDLMS APDU.</summary>
    public static bool IsCiphered(ReadOnlySpan<byte> userInformation) =>
        !userInformation.IsEmpty && userInformation[0] is
            0x21 or 0x28 or 0x2E // glo-initiate-request [33], glo-initiate-response [40], glo-confirmed-service-error [46]
            or 0x41 or 0x48 or 0x4E // ded-initiate-request [65], ded-initiate-response [72], ded-confirmed-service-error [78]
            or 0xDB or 0xDC or 0xDD or 0xDF; // general-glo-ciphering, general-ded-ciphering, general-ciphering, general-signing

    /// <summary>
    /// Decodes plain content: an <see cref="InitiateRequest"/>, <see cref="InitiateResponse"/> or
    /// <see cref="ConfirmedServiceError"/>, which must fill the content exactly.
    /// </summary>
    /// <exception cref="DlmsFormatException">
    /// Malformed content; ciphered content (<see cref="DlmsErrorReason.Unsupported"/>: decipher it first); or any
    /// other APDU (<see cref="DlmsErrorReason.UnknownTag"/>). Offsets count from the start of the content.
    /// </exception>
    public static Apdu DecodePlain(ReadOnlySpan<byte> userInformation)
    {
        var reader = new AxdrReader(userInformation);
        Apdu apdu = reader.PeekByte() switch
        {
            InitiateRequest.ApduTag => InitiateRequest.Read(ref reader),
            InitiateResponse.ApduTag => InitiateResponse.Read(ref reader),
            ConfirmedServiceError.ApduTag => ConfirmedServiceError.Read(ref reader),
            _ when IsCiphered(userInformation) => throw reader.Error(
                DlmsErrorReason.Unsupported, "The user-information is ciphered; decipher it first"),
            var tag => throw reader.Error(
                DlmsErrorReason.UnknownTag, $"Tag 0x{tag:X2} is not an xDLMS initiate or confirmed-service-error APDU"),
        };
        reader.EnsureAtEnd();
        return apdu;
    }
}
