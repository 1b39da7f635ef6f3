using Meterline.Dlms.Axdr;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Apdus;

/// <summary>
/// EventNotificationRequest (Green Book ed. 8 §9.5, <c>EventNotificationRequest ::= SEQUENCE { time OCTET STRING
/// OPTIONAL, cosem-attribute-descriptor, attribute-value Data }</c>, tag 0xC2): an unsolicited report of one
/// attribute's value. The time, when present, is the usage flag 0x01, the length 0x0C and a 12-byte COSEM date-time.
/// </summary>
public sealed record EventNotificationRequest(
    CosemDateTime? Time,
    CosemAttributeDescriptor CosemAttributeDescriptor,
    CosemData AttributeValue) : Apdu
{
    public CosemData AttributeValue { get; init; } = AttributeValue ?? throw new ArgumentNullException(nameof(AttributeValue));

    public override byte Tag => ApduTag.EventNotificationRequest;

    internal static EventNotificationRequest Read(ref AxdrReader reader)
    {
        ApduFields.ReadTag(ref reader, ApduTag.EventNotificationRequest, "EventNotificationRequest");
        var time = ApduFields.ReadPresence(ref reader, "time")
            ? ApduFields.ReadDateTimeOctetString(ref reader, "EventNotificationRequest time", allowEmpty: false)
            : null;
        var descriptor = CosemAttributeDescriptor.Read(ref reader);
        return new EventNotificationRequest(time, descriptor, CosemDataCodec.Read(ref reader));
    }

    internal override void WriteTo(AxdrWriter writer)
    {
        writer.WriteByte(Tag);
        ApduFields.WritePresence(writer, Time.HasValue);
        if (Time.HasValue)
        {
            ApduFields.WriteDateTimeOctetString(writer, Time);
        }

        CosemAttributeDescriptor.Write(writer);
        CosemDataCodec.Write(writer, AttributeValue);
    }
}
