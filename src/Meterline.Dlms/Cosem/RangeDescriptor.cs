using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;

namespace Meterline.Dlms.Cosem;

/// <summary>
/// Selective access by range (access selector 1) on a Profile generic buffer (Blue Book, class 7 attribute 2:
/// <c>range_descriptor ::= structure { restricting_object capture_object_definition, from_value, to_value,
/// selected_values array capture_object_definition }</c>). Entries whose restricting object lies between
/// <see cref="FromValue"/> and <see cref="ToValue"/> (inclusive) are returned, with the columns in
/// <see cref="SelectedValues"/>, or all columns when it is empty.
/// </summary>
public sealed record RangeDescriptor(
    CaptureObjectDefinition RestrictingObject,
    CosemData FromValue,
    CosemData ToValue,
    ImmutableArray<CaptureObjectDefinition> SelectedValues = default)
{
    /// <summary>The access selector of a range descriptor.</summary>
    public const byte AccessSelector = 1;

    private const int MemberCount = 4;

    public CosemData FromValue { get; init; } = FromValue ?? throw new ArgumentNullException(nameof(FromValue));

    public CosemData ToValue { get; init; } = ToValue ?? throw new ArgumentNullException(nameof(ToValue));

    /// <summary>The columns to return; empty means all of them.</summary>
    public ImmutableArray<CaptureObjectDefinition> SelectedValues { get; init; } = SelectedValues.OrEmpty();

    /// <summary>
    /// The entries of a profile (a load profile, say) whose clock column lies between <paramref name="from"/> and
    /// <paramref name="to"/>: restricting object <see cref="CaptureObjectDefinition.Clock"/>, bounds as 12-byte
    /// octet-strings, as meters expect them.
    /// </summary>
    public static RangeDescriptor ByClock(
        CosemDateTime from,
        CosemDateTime to,
        ImmutableArray<CaptureObjectDefinition> selectedValues = default) =>
        new(CaptureObjectDefinition.Clock, CosemData.OctetString.FromDateTime(from), CosemData.OctetString.FromDateTime(to), selectedValues);

    /// <summary>
    /// Reads the bounds as date-times when both are one (a 12-byte octet-string or a date-time value), as they are
    /// for a range on a clock column.
    /// </summary>
    public bool TryGetDateTimeRange(out CosemDateTime from, out CosemDateTime to)
    {
        to = default;
        return TryGetDateTime(FromValue, out from) && TryGetDateTime(ToValue, out to);
    }

    public CosemData ToData() => new CosemData.Structure(
        RestrictingObject.ToData(),
        FromValue,
        ToValue,
        new CosemData.Array(SelectedValues.Select(column => column.ToData()).ToImmutableArray()));

    public SelectiveAccessDescriptor ToSelectiveAccessDescriptor() => new(AccessSelector, ToData());

    public static bool TryFromData([NotNullWhen(true)] CosemData? data, [NotNullWhen(true)] out RangeDescriptor? value) =>
        Convert(data, out value) is null;

    /// <exception cref="DlmsFormatException">The data is not a range_descriptor structure; the offset is that of the
    /// offending element within the A-XDR encoding of <paramref name="data"/>.</exception>
    public static RangeDescriptor FromData(CosemData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Convert(data, out var value) is { } error ? throw error.ToException(data) : value!;
    }

    public static bool TryFromSelectiveAccessDescriptor(
        [NotNullWhen(true)] SelectiveAccessDescriptor? access,
        [NotNullWhen(true)] out RangeDescriptor? value)
    {
        value = null;
        return access?.AccessSelector == AccessSelector && TryFromData(access.AccessParameters, out value);
    }

    /// <exception cref="DlmsFormatException">The selector is not 1 (offset 0, that of the selector), or the parameters
    /// are not a range_descriptor (offset within the access-parameters, counted from the selector byte).</exception>
    public static RangeDescriptor FromSelectiveAccessDescriptor(SelectiveAccessDescriptor access)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (access.AccessSelector != AccessSelector)
        {
            throw new DlmsFormatException(DlmsErrorReason.Malformed, 0, $"Access selector {access.AccessSelector} is not a range_descriptor (1)");
        }

        return Convert(access.AccessParameters, out var value) is { } error
            ? throw error.ToException(access.AccessParameters, baseOffset: 1)
            : value!;
    }

    public bool Equals(RangeDescriptor? other) =>
        other is not null
        && RestrictingObject == other.RestrictingObject
        && FromValue.Equals(other.FromValue)
        && ToValue.Equals(other.ToValue)
        && ImmutableArrayEquality.Equal(SelectedValues, other.SelectedValues);

    public override int GetHashCode() =>
        HashCode.Combine(RestrictingObject, FromValue, ToValue, ImmutableArrayEquality.Hash(SelectedValues));

    private static bool TryGetDateTime(CosemData value, out CosemDateTime dateTime)
    {
        switch (value)
        {
            case CosemData.OctetString octets:
                return octets.TryGetDateTime(out dateTime);
            case CosemData.DateTime typed:
                dateTime = typed.Value;
                return true;
            default:
                dateTime = default;
                return false;
        }
    }

    private static DataShapeError? Convert(CosemData? data, out RangeDescriptor? value)
    {
        value = null;
        if (data is not CosemData.Structure { Items: { IsDefault: false, Length: MemberCount } items })
        {
            return DataShapeError.At("A range_descriptor is a structure of 4 members");
        }

        if (CaptureObjectDefinition.Convert(items[0], out var restricting) is { } restrictingError)
        {
            return restrictingError.Within(0);
        }

        if (items[3] is not CosemData.Array { Items: var columnItems })
        {
            return DataShapeError.At("range_descriptor.selected_values must be an array").Within(3);
        }

        columnItems = columnItems.OrEmpty();
        var columns = ImmutableArray.CreateBuilder<CaptureObjectDefinition>(columnItems.Length);
        for (var i = 0; i < columnItems.Length; i++)
        {
            if (CaptureObjectDefinition.Convert(columnItems[i], out var column) is { } columnError)
            {
                return columnError.Within(i).Within(3);
            }

            columns.Add(column);
        }

        value = new RangeDescriptor(restricting, items[1], items[2], columns.MoveToImmutable());
        return null;
    }
}
