using Meterline.Dlms;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Tests.Cosem;

public class EntryDescriptorTests
{
    // entry_descriptor (Blue Book class 7, selector 2): entries 1..highest, columns 1..highest.
    private const string FirstToLast = "0204" + "0600000001" + "0600000000" + "120001" + "120000";

    [Fact]
    public void ToData_FirstEntryToLast_EncodesFourMembers()
    {
        var entries = new EntryDescriptor(1);

        Assert.Equal(Convert.FromHexString(FirstToLast), CosemDataCodec.Encode(entries.ToData()));
        Assert.True(entries.IsToEntryHighest);
        Assert.True(entries.IsToSelectedValueHighest);
    }

    [Fact]
    public void FromData_Encoded_RoundTrips()
    {
        var entries = new EntryDescriptor(10, 96, 2, 5);

        var again = EntryDescriptor.FromData(CosemDataCodec.Decode(CosemDataCodec.Encode(entries.ToData())));

        Assert.Equal(entries, again);
        Assert.False(again.IsToEntryHighest);
    }

    [Fact]
    public void ToSelectiveAccessDescriptor_UsesSelectorTwo_AndConvertsBack()
    {
        var entries = new EntryDescriptor(5, 0, 1, 3);

        var access = entries.ToSelectiveAccessDescriptor();

        Assert.Equal(2, access.AccessSelector);
        Assert.Equal(entries, EntryDescriptor.FromSelectiveAccessDescriptor(access));
        Assert.True(EntryDescriptor.TryFromSelectiveAccessDescriptor(access, out var viaTry));
        Assert.Equal(entries, viaTry);
    }

    [Fact]
    public void FromSelectiveAccessDescriptor_RangeSelector_ThrowsAtSelector()
    {
        var access = RangeDescriptor.ByClock(CosemDateTime.Unspecified, CosemDateTime.Unspecified).ToSelectiveAccessDescriptor();

        var error = Assert.Throws<DlmsFormatException>(() => EntryDescriptor.FromSelectiveAccessDescriptor(access));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(0, error.Offset);
        Assert.False(EntryDescriptor.TryFromSelectiveAccessDescriptor(access, out _));
        Assert.False(EntryDescriptor.TryFromSelectiveAccessDescriptor(null, out _));
    }

    [Fact]
    public void FromSelectiveAccessDescriptor_WrongMember_OffsetCountsTheSelector()
    {
        var parameters = CosemDataCodec.Decode(Convert.FromHexString("0204" + "0600000001" + "120000" + "120001" + "120000"));

        var error = Assert.Throws<DlmsFormatException>(() => EntryDescriptor.FromSelectiveAccessDescriptor(new SelectiveAccessDescriptor(2, parameters)));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(1 + 2 + 5, error.Offset);
        Assert.Contains("to_entry", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0203" + "0600000001" + "0600000000" + "120001", 0, "structure of 4")]
    [InlineData("0204" + "0500000001" + "0600000000" + "120001" + "120000", 2, "from_entry")]
    [InlineData("0204" + "0600000001" + "120000" + "120001" + "120000", 7, "to_entry")]
    [InlineData("0204" + "0600000001" + "0600000000" + "1101" + "120000", 12, "from_selected_value")]
    [InlineData("0204" + "0600000001" + "0600000000" + "120001" + "0600000000", 15, "to_selected_value")]
    [InlineData("0600000001", 0, "structure of 4")]
    public void FromData_WrongShape_ThrowsWithOffsetOfOffendingElement(string hex, int offset, string words)
    {
        var data = CosemDataCodec.Decode(Convert.FromHexString(hex));

        var error = Assert.Throws<DlmsFormatException>(() => EntryDescriptor.FromData(data));

        Assert.Equal(DlmsErrorReason.Malformed, error.Reason);
        Assert.Equal(offset, error.Offset);
        Assert.Contains(words, error.Detail, StringComparison.Ordinal);
        Assert.False(EntryDescriptor.TryFromData(data, out _));
    }
}
