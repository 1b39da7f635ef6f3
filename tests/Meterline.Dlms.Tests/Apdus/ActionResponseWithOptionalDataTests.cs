using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Apdus;

public class ActionResponseWithOptionalDataTests
{
    [Fact]
    public void ToString_HidesReturnedData()
    {
        // The server's f(CtoS) comes back as return-parameters (u9n/dlms-cosem tests/test_xdlms/test_action.py).
        var returned = Convert.FromHexString("1000001AFDE8857B728A3499106AA665D1");
        var response = new ActionResponseWithOptionalData(ActionResult.Success, new GetDataResult(new CosemData.OctetString(returned)));

        var text = new ActionResponseNormal(new InvokeIdAndPriority(0xC0), response).ToString();

        Assert.Contains("OctetString, redacted", text, StringComparison.Ordinal);
        Assert.DoesNotContain("FDE885", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ToString_ShowsRefusalResult()
    {
        var response = new ActionResponseWithOptionalData(ActionResult.ReadWriteDenied, new GetDataResult(DataAccessResult.ReadWriteDenied));

        Assert.Equal("ActionResponseWithOptionalData { Result = ReadWriteDenied, ReturnParameters = ReadWriteDenied }", response.ToString());
    }
}
