using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Apdus;

public class DataNotificationTests
{
    private static readonly CosemDateTime When = CosemDateTime.FromOctetString(Convert.FromHexString("07E70903070A340EFFFF4C00"));

    [Fact]
    public void Encode_WithoutTime_WritesEmptyOctetString()
    {
        var apdu = new DataNotification(new LongInvokeIdAndPriority(1), null, new CosemData.Unsigned(5));

        Assert.Equal(Convert.FromHexString("0F00000001" + "00" + "1105"), apdu.ToArray());
    }

    [Fact]
    public void Encode_WithTime_WritesLength12AndTheDateTime()
    {
        // Green Book: date-time is an OCTET STRING (not OPTIONAL); present, it is 0x0C and the 12 bytes.
        var apdu = new DataNotification(new LongInvokeIdAndPriority(1), When, new CosemData.Unsigned(5));

        Assert.Equal(Convert.FromHexString("0F00000001" + "0C07E70903070A340EFFFF4C00" + "1105"), apdu.ToArray());
    }

    [Fact]
    public void Constructor_NullBody_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new DataNotification(default, null, null!));
    }
}
