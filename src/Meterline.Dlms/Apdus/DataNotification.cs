using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// DataNotification (Green Book ed. 8 §9.5, <c>Data-Notification ::= SEQUENCE { long-invoke-id-and-priority,
/// date-time OCTET STRING, notification-body Notification-Body }</c>, tag 0x0F): data pushed by a meter, for example
/// by a Push setup object. The date-time is not OPTIONAL in the ASN.1: an empty octet-string (the single byte 0x00)
/// means "no time", otherwise it is the 12-byte COSEM date-time after its length byte 0x0C. The notification body is a
/// SEQUENCE of one Data, so it encodes as that Data.
/// </summary>
public sealed record DataNotification(
    LongInvokeIdAndPriority LongInvokeIdAndPriority,
    CosemDateTime? DateTime,
    CosemData NotificationBody) : Apdu
{
    public CosemData NotificationBody { get; init; } = NotificationBody ?? throw new ArgumentNullException(nameof(NotificationBody));

    public override byte Tag => ApduTag.DataNotification;

    internal static DataNotification Read(ref AxdrReader reader)
    {
        ApduFields.ReadTag(ref reader, ApduTag.DataNotification, "Data-Notification");
        var longInvokeIdAndPriority = LongInvokeIdAndPriority.Read(ref reader);
        var dateTime = ApduFields.ReadDateTimeOctetString(ref reader, "Data-Notification date-time", allowEmpty: true);
        return new DataNotification(longInvokeIdAndPriority, dateTime, CosemDataCodec.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(Tag);
        LongInvokeIdAndPriority.Write(writer);
        ApduFields.WriteDateTimeOctetString(writer, DateTime);
        CosemDataCodec.Write(writer, NotificationBody);
    }
}
