using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// Selective access by entry (access selector 2) on a Profile generic buffer (Blue Book, class 7 attribute 2:
/// <c>entry_descriptor ::= structure { from_entry double-long-unsigned, to_entry double-long-unsigned,
/// from_selected_value long-unsigned, to_selected_value long-unsigned }</c>). Entries and columns are numbered from
/// 1; a <see cref="ToEntry"/> or <see cref="ToSelectedValue"/> of 0 (<see cref="Highest"/>) means "up to the last".
/// </summary>
public readonly record struct EntryDescriptor(uint FromEntry, uint ToEntry, ushort FromSelectedValue, ushort ToSelectedValue)
{
    /// <summary>The access selector of an entry descriptor.</summary>
    public const byte AccessSelector = 2;

    /// <summary>The value of <see cref="ToEntry"/> or <see cref="ToSelectedValue"/> that means "the highest".</summary>
    public const int Highest = 0;

    private const int MemberCount = 4;

    /// <summary>Entries <paramref name="fromEntry"/> to <paramref name="toEntry"/> (0 = the last), every column.</summary>
    public EntryDescriptor(uint fromEntry, uint toEntry = Highest)
        : this(fromEntry, toEntry, 1, Highest)
    {
    }

    public bool IsToEntryHighest => ToEntry == Highest;

    public bool IsToSelectedValueHighest => ToSelectedValue == Highest;

    public CosemData ToData() => new CosemData.Structure(
        new CosemData.DoubleLongUnsigned(FromEntry),
        new CosemData.DoubleLongUnsigned(ToEntry),
        new CosemData.LongUnsigned(FromSelectedValue),
        new CosemData.LongUnsigned(ToSelectedValue));

    public SelectiveAccessDescriptor ToSelectiveAccessDescriptor() => new(AccessSelector, ToData());

    public static bool TryFromData([NotNullWhen(true)] CosemData? data, out EntryDescriptor value) =>
        Convert(data, out value) is null;

    /// <exception cref="DlmsFormatException">The data is not an entry_descriptor structure; the offset is that of the
    /// offending element within the A-XDR encoding of <paramref name="data"/>.</exception>
    public static EntryDescriptor FromData(CosemData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Convert(data, out var value) is { } error ? throw error.ToException(data) : value;
    }

    public static bool TryFromSelectiveAccessDescriptor([NotNullWhen(true)] SelectiveAccessDescriptor? access, out EntryDescriptor value)
    {
        value = default;
        return access?.AccessSelector == AccessSelector && TryFromData(access.AccessParameters, out value);
    }

    /// <exception cref="DlmsFormatException">The selector is not 2 (offset 0, that of the selector), or the parameters
    /// are not an entry_descriptor (offset within the access-parameters, counted from the selector byte).</exception>
    public static EntryDescriptor FromSelectiveAccessDescriptor(SelectiveAccessDescriptor access)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (access.AccessSelector != AccessSelector)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, 0, $"Access selector {access.AccessSelector} is not an entry_descriptor (2)");
        }

        return Convert(access.AccessParameters, out var value) is { } error
            ? throw error.ToException(access.AccessParameters, baseOffset: 1)
            : value;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"entries {FromEntry}..{(IsToEntryHighest ? "last" : ToEntry)}, columns {FromSelectedValue}..{(IsToSelectedValueHighest ? "last" : ToSelectedValue)}");

    private static DataShapeError? Convert(CosemData? data, out EntryDescriptor value)
    {
        value = default;
        if (data is not CosemData.Structure { Items: { IsDefault: false, Length: MemberCount } items })
        {
            return DataShapeError.At("An entry_descriptor is a structure of 4 members");
        }

        if (items[0] is not CosemData.DoubleLongUnsigned from)
        {
            return DataShapeError.At("entry_descriptor.from_entry must be double-long-unsigned").Within(0);
        }

        if (items[1] is not CosemData.DoubleLongUnsigned to)
        {
            return DataShapeError.At("entry_descriptor.to_entry must be double-long-unsigned").Within(1);
        }

        if (items[2] is not CosemData.LongUnsigned fromValue)
        {
            return DataShapeError.At("entry_descriptor.from_selected_value must be long-unsigned").Within(2);
        }

        if (items[3] is not CosemData.LongUnsigned toValue)
        {
            return DataShapeError.At("entry_descriptor.to_selected_value must be long-unsigned").Within(3);
        }

        value = new EntryDescriptor(from.Value, to.Value, fromValue.Value, toValue.Value);
        return null;
    }
}
