using Meterline.Dlms.Apdus;
using Meterline.Dlms.Axdr;

namespace Meterline.Dlms.Acse;

/// <summary>
/// xDLMS confirmedServiceError (Green Book xDLMS ASN.1), A-XDR encoded with tag 0x0E: the ConfirmedServiceError
/// CHOICE (the failed service) followed by a <see cref="ServiceError"/>, e.g. <c>0E 01 06 01</c> is initiateError,
/// initiate, dlms-version-too-low. It is carried in the user-information of an AARE that rejects an association.
/// </summary>
public sealed record ConfirmedServiceError(ConfirmedService Service, ServiceError Error) : Apdu
{
    public const byte ApduTag = 0x0E;

    public override byte Tag => ApduTag;

    /// <summary>Reads a ConfirmedServiceError starting at its tag byte; the reader is advanced only on success.</summary>
    internal static ConfirmedServiceError Read(ref AxdrReader reader)
    {
        var r = reader;
        var tag = r.ReadByte();
        if (tag != ApduTag)
        {
            throw r.ErrorAt(r.Position - 1, DlmsErrorReason.UnknownTag, $"Tag 0x{tag:X2} is not a ConfirmedServiceError");
        }

        var service = (ConfirmedService)r.ReadByte();
        if (!Enum.IsDefined(service))
        {
            throw r.ErrorAt(r.Position - 1, DlmsErrorReason.UnknownTag, $"Unknown ConfirmedServiceError alternative {(byte)service}");
        }

        var kind = (ServiceErrorKind)r.ReadByte();
        if (!Enum.IsDefined(kind))
        {
            throw r.ErrorAt(r.Position - 1, DlmsErrorReason.UnknownTag, $"Unknown ServiceError alternative {(byte)kind}");
        }

        var value = r.ReadByte();
        reader = r;
        return new ConfirmedServiceError(service, new ServiceError(kind, value));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        if (!Enum.IsDefined(Service) || !Enum.IsDefined(Error.Kind))
        {
            throw new InvalidOperationException("Service and error kind must be alternatives the standard defines");
        }

        writer.WriteByte(ApduTag);
        writer.WriteByte((byte)Service);
        writer.WriteByte((byte)Error.Kind);
        writer.WriteByte(Error.Value);
    }
}
