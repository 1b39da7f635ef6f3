using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Apdus;

public class EventNotificationRequestTests
{
    private static readonly CosemAttributeDescriptor EventCode = new(1, new ObisCode(0, 0, 96, 11, 4, 255), 2);

    [Fact]
    public void Encode_WithoutTime_StartsWithAbsentFlag()
    {
        var apdu = new EventNotificationRequest(null, EventCode, new CosemData.LongUnsigned(251));

        Assert.Equal(Convert.FromHexString("C2" + "00" + "00010000600B04FF02" + "1200FB"), apdu.ToArray());
    }

    [Fact]
    public void Encode_WithTime_WritesFlagLengthAndDateTime()
    {
        // time OCTET STRING OPTIONAL: usage flag 01, then the octet-string 0C + 12 bytes (Green Book ASN.1).
        var when = CosemDateTime.FromOctetString(Convert.FromHexString("07E80301FF00000000FEB600"));
        var apdu = new EventNotificationRequest(when, EventCode, new CosemData.LongUnsigned(251));

        var bytes = apdu.ToArray();

        Assert.Equal(Convert.FromHexString("C2010C07E80301FF00000000FEB600"), bytes[..15]);
        Assert.Equal(apdu, ApduCodec.Decode(bytes));
    }
}
