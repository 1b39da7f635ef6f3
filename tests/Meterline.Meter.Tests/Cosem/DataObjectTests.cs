using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Cosem;

namespace Meterline.Meter.Tests.Cosem;

public sealed class DataObjectTests
{
    private static readonly ObisCode SerialNumber = new(0, 0, 96, 1, 0, 255);

    [Fact]
    public void Get_LogicalNameAndValue_ReturnsBoth()
    {
        var data = new DataObject(SerialNumber, () => new CosemData.VisibleString("ML0001"));
        Assert.Equal(new CosemData.OctetString(new byte[] { 0, 0, 96, 1, 0, 255 }), data.Get(Contexts.Public, 1, null).Data);
        Assert.Equal(new CosemData.VisibleString("ML0001"), data.Get(Contexts.Public, 2, null).Data);
        Assert.Equal((ushort)1, data.ClassId);
        Assert.Equal((byte)0, data.Version);
    }

    [Fact]
    public void Get_AttributeThree_ObjectUndefined()
    {
        var data = new DataObject(SerialNumber, () => new CosemData.Unsigned(1));
        Assert.Equal(DataAccessResult.ObjectUndefined, data.Get(Contexts.Public, 3, null).Result);
    }

    [Fact]
    public void Set_WithoutWriteCallback_ReadWriteDenied()
    {
        var data = new DataObject(SerialNumber, () => new CosemData.Unsigned(1));
        Assert.Equal(DataAccessResult.ReadWriteDenied, data.Set(Contexts.Utility, 2, null, new CosemData.Unsigned(2)));
    }

    [Fact]
    public void Set_WithWriteCallback_PassesValueAndReturnsItsResult()
    {
        CosemData stored = new CosemData.Unsigned(1);
        var data = new DataObject(SerialNumber, () => stored, value =>
        {
            if (value is not CosemData.Unsigned)
            {
                return DataAccessResult.TypeUnmatched;
            }

            stored = value;
            return DataAccessResult.Success;
        });

        Assert.Equal(DataAccessResult.Success, data.Set(Contexts.Utility, 2, null, new CosemData.Unsigned(7)));
        Assert.Equal(new CosemData.Unsigned(7), data.Get(Contexts.Public, 2, null).Data);
        Assert.Equal(DataAccessResult.TypeUnmatched, data.Set(Contexts.Utility, 2, null, new CosemData.Long(7)));
        Assert.Equal(new CosemData.Unsigned(7), data.Get(Contexts.Public, 2, null).Data);
    }

    [Fact]
    public void Set_LogicalName_ReadWriteDenied()
    {
        var data = new DataObject(SerialNumber, () => new CosemData.Unsigned(1), _ => DataAccessResult.Success);
        Assert.Equal(DataAccessResult.ReadWriteDenied, data.Set(Contexts.Utility, 1, null, Contexts.OctetString(1, 2, 3, 4, 5, 6)));
    }

    [Fact]
    public void Invoke_AnyMethod_ObjectUndefined()
    {
        var data = new DataObject(SerialNumber, () => new CosemData.Unsigned(1));
        Assert.Equal(ActionResult.ObjectUndefined, data.Invoke(Contexts.Utility, 1, new CosemData.Integer(0)).Result);
    }
}
