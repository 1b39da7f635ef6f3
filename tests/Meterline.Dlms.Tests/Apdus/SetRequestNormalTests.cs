using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Apdus;

public class SetRequestNormalTests
{
    [Fact]
    public void ToString_HidesTheValue()
    {
        // Writing the LLS secret (Association LN attribute 7) must not leave the password in a log.
        var apdu = new SetRequestNormal(
            new InvokeIdAndPriority(0xC1),
            new CosemAttributeDescriptor(15, ObisCode.CurrentAssociation, 7),
            null,
            new CosemData.OctetString("12345678"u8.ToArray()));

        var text = apdu.ToString();

        Assert.Contains("OctetString, redacted", text, StringComparison.Ordinal);
        Assert.DoesNotContain("3132333435363738", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_WithListHidesEveryValue()
    {
        var apdu = new SetRequestWithList(
            new InvokeIdAndPriority(0xC1),
            [new CosemAttributeDescriptorWithSelection(new CosemAttributeDescriptor(15, ObisCode.CurrentAssociation, 7))],
            [new CosemData.OctetString("12345678"u8.ToArray())]);

        Assert.DoesNotContain("3132333435363738", apdu.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullValue_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new SetRequestNormal(default, default, null, null!));
    }
}
