using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class SelectiveAccessDescriptorTests
{
    [Fact]
    public void Constructor_NullParameters_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new SelectiveAccessDescriptor(1, null!));
    }

    [Fact]
    public void Equals_SameContent_IsEqual()
    {
        var left = new SelectiveAccessDescriptor(2, new CosemData.OctetString([1, 2, 3]));
        var right = new SelectiveAccessDescriptor(2, new CosemData.OctetString([1, 2, 3]));

        Assert.Equal(left, right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
        Assert.NotEqual(left, right with { AccessSelector = 1 });
    }
}
