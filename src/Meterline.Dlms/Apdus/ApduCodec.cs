using System.Buffers;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Axdr;
using Meterline.Dlms.Security;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// The one decoding switch for APDUs: the first byte selects the APDU (Green Book ed. 8 §9.5, XDLMS-APDU CHOICE) and,
/// for GET, SET and ACTION, the second byte selects the CHOICE alternative. Every failure is a
/// <see cref="DlmsFormatException"/> with the byte offset of the offending field: an unknown tag is
/// <see cref="DlmsErrorReason.UnknownTag"/> at offset 0, an unknown choice the same at offset 1.
/// </summary>
public static class ApduCodec
{
    /// <summary>Decodes exactly one APDU that must span the whole input.</summary>
    public static Apdu Decode(ReadOnlySpan<byte> source, int maxDepth = AxdrReader.DefaultMaxDepth)
    {
        var reader = new AxdrReader(source, maxDepth: maxDepth);
        var apdu = Read(ref reader);
        reader.EnsureAtEnd();
        return apdu;
    }

    /// <summary>Reads one APDU at the reader's position, which must be at its tag.</summary>
    public static Apdu Read(ref AxdrReader reader)
    {
        var tag = reader.PeekByte();
        return tag switch
        {
            ApduTag.DataNotification => DataNotification.Read(ref reader),
            ApduTag.GetRequest => ReadGetRequest(ref reader),
            ApduTag.SetRequest => ReadSetRequest(ref reader),
            ApduTag.EventNotificationRequest => EventNotificationRequest.Read(ref reader),
            ApduTag.ActionRequest => ReadActionRequest(ref reader),
            ApduTag.GetResponse => ReadGetResponse(ref reader),
            ApduTag.SetResponse => ReadSetResponse(ref reader),
            ApduTag.ActionResponse => ReadActionResponse(ref reader),
            ApduTag.ExceptionResponse => ExceptionResponse.Read(ref reader),
            Aarq.ApduTag => Aarq.Read(ref reader),
            Aare.ApduTag => Aare.Read(ref reader),
            Rlrq.ApduTag => Rlrq.Read(ref reader),
            Rlre.ApduTag => Rlre.Read(ref reader),
            InitiateRequest.ApduTag => InitiateRequest.Read(ref reader),
            InitiateResponse.ApduTag => InitiateResponse.Read(ref reader),
            ConfirmedServiceError.ApduTag => ConfirmedServiceError.Read(ref reader),
            GeneralGloCiphering.ApduTag => GeneralGloCiphering.Read(ref reader),
            GeneralDedCiphering.ApduTag => GeneralDedCiphering.Read(ref reader),
            GeneralCiphering.ApduTag => GeneralCiphering.Read(ref reader),
            GeneralSigning.ApduTag => GeneralSigning.Read(ref reader),
            _ when CipheredApduTags.IsServiceSpecificCiphered(tag) => CipheredApdu.Read(ref reader),
            _ => throw reader.Error(DlmsErrorReason.UnknownTag, $"Unknown APDU tag 0x{tag:X2}"),
        };
    }

    /// <summary>Encodes an APDU to a new array.</summary>
    public static byte[] Encode(Apdu apdu)
    {
        ArgumentNullException.ThrowIfNull(apdu);
        return apdu.ToArray();
    }

    /// <summary>Encodes an APDU to <paramref name="output"/>.</summary>
    public static void Encode(Apdu apdu, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(apdu);
        apdu.Encode(output);
    }

    private static Apdu ReadGetRequest(ref AxdrReader reader) => ApduFields.PeekChoice(reader) switch
    {
        GetRequestNormal.Choice => GetRequestNormal.Read(ref reader),
        GetRequestNext.Choice => GetRequestNext.Read(ref reader),
        GetRequestWithList.Choice => GetRequestWithList.Read(ref reader),
        var choice => throw ApduFields.UnknownChoice(reader, "Get-Request", choice),
    };

    private static Apdu ReadGetResponse(ref AxdrReader reader) => ApduFields.PeekChoice(reader) switch
    {
        GetResponseNormal.Choice => GetResponseNormal.Read(ref reader),
        GetResponseWithDatablock.Choice => GetResponseWithDatablock.Read(ref reader),
        GetResponseWithList.Choice => GetResponseWithList.Read(ref reader),
        var choice => throw ApduFields.UnknownChoice(reader, "Get-Response", choice),
    };

    private static Apdu ReadSetRequest(ref AxdrReader reader) => ApduFields.PeekChoice(reader) switch
    {
        SetRequestNormal.Choice => SetRequestNormal.Read(ref reader),
        SetRequestWithFirstDatablock.Choice => SetRequestWithFirstDatablock.Read(ref reader),
        SetRequestWithDatablock.Choice => SetRequestWithDatablock.Read(ref reader),
        SetRequestWithList.Choice => SetRequestWithList.Read(ref reader),
        SetRequestWithListAndFirstDatablock.Choice => SetRequestWithListAndFirstDatablock.Read(ref reader),
        var choice => throw ApduFields.UnknownChoice(reader, "Set-Request", choice),
    };

    private static Apdu ReadSetResponse(ref AxdrReader reader) => ApduFields.PeekChoice(reader) switch
    {
        SetResponseNormal.Choice => SetResponseNormal.Read(ref reader),
        SetResponseDatablock.Choice => SetResponseDatablock.Read(ref reader),
        SetResponseLastDatablock.Choice => SetResponseLastDatablock.Read(ref reader),
        SetResponseLastDatablockWithList.Choice => SetResponseLastDatablockWithList.Read(ref reader),
        SetResponseWithList.Choice => SetResponseWithList.Read(ref reader),
        var choice => throw ApduFields.UnknownChoice(reader, "Set-Response", choice),
    };

    private static Apdu ReadActionRequest(ref AxdrReader reader) => ApduFields.PeekChoice(reader) switch
    {
        ActionRequestNormal.Choice => ActionRequestNormal.Read(ref reader),
        ActionRequestNextPBlock.Choice => ActionRequestNextPBlock.Read(ref reader),
        ActionRequestWithList.Choice => ActionRequestWithList.Read(ref reader),
        ActionRequestWithFirstPBlock.Choice => ActionRequestWithFirstPBlock.Read(ref reader),
        ActionRequestWithListAndFirstPBlock.Choice => ActionRequestWithListAndFirstPBlock.Read(ref reader),
        ActionRequestWithPBlock.Choice => ActionRequestWithPBlock.Read(ref reader),
        var choice => throw ApduFields.UnknownChoice(reader, "Action-Request", choice),
    };

    private static Apdu ReadActionResponse(ref AxdrReader reader) => ApduFields.PeekChoice(reader) switch
    {
        ActionResponseNormal.Choice => ActionResponseNormal.Read(ref reader),
        ActionResponseWithPBlock.Choice => ActionResponseWithPBlock.Read(ref reader),
        ActionResponseWithList.Choice => ActionResponseWithList.Read(ref reader),
        ActionResponseNextPBlock.Choice => ActionResponseNextPBlock.Read(ref reader),
        var choice => throw ApduFields.UnknownChoice(reader, "Action-Response", choice),
    };
}
