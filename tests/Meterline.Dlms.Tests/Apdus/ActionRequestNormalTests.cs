using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Apdus;

public class ActionRequestNormalTests
{
    [Fact]
    public void ToString_HidesTheParameters()
    {
        // reply_to_HLS_authentication carries f(StoC) (u9n/dlms-cosem tests/test_xdlms/test_action.py): never print it.
        var response = Convert.FromHexString("1000001A90E6D2221FA2FD85EED61ACC22");
        var apdu = new ActionRequestNormal(new InvokeIdAndPriority(0xC0), new CosemMethodDescriptor(15, ObisCode.CurrentAssociation, 1), new CosemData.OctetString(response));

        var text = apdu.ToString();

        Assert.Contains("OctetString, redacted", text, StringComparison.Ordinal);
        Assert.Contains("0.0.40.0.0.255", text, StringComparison.Ordinal);
        Assert.DoesNotContain("90E6D2", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToString_WithListHidesEveryParameter()
    {
        var apdu = new ActionRequestWithList(
            new InvokeIdAndPriority(0xC1),
            [new CosemMethodDescriptor(15, ObisCode.CurrentAssociation, 2)],
            [new CosemData.OctetString("new-secret"u8.ToArray())]);

        var text = apdu.ToString();

        Assert.Contains("redacted", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString("new-secret"u8), text, StringComparison.Ordinal);
    }
}
