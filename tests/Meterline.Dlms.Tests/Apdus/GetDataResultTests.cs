using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Apdus;

public class GetDataResultTests
{
    [Fact]
    public void Constructor_Data_IsSuccess()
    {
        var result = new GetDataResult(new CosemData.Long(-5));

        Assert.Equal(DataAccessResult.Success, result.Result);
        Assert.Equal(new CosemData.Long(-5), result.Data);
    }

    [Fact]
    public void Constructor_Refusal_HasNoData()
    {
        var result = new GetDataResult(DataAccessResult.ObjectUnavailable);

        Assert.Null(result.Data);
        Assert.Equal(DataAccessResult.ObjectUnavailable, result.Result);
    }

    [Fact]
    public void Equals_DataAndSuccessResult_AreDifferentChoices()
    {
        // [0] with data versus [1] data-access-result success: both exist on the wire, so they stay distinct.
        Assert.NotEqual(new GetDataResult(CosemData.NullData.Instance), new GetDataResult(DataAccessResult.Success));
        Assert.Equal(new GetDataResult(new CosemData.OctetString([1])), new GetDataResult(new CosemData.OctetString([1])));
    }

    [Fact]
    public void Constructor_NullData_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new GetDataResult((CosemData)null!));
    }
}
