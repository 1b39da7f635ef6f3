using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Time;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Which entries and columns of a Profile generic buffer a read returns (Blue Book 4.3.6, attribute 2 buffer,
/// selective access): entries <see cref="FirstEntry"/> to <see cref="LastEntry"/> (0-based, oldest first), of those
/// only the ones whose <see cref="RestrictingColumn"/> lies in [<see cref="From"/>, <see cref="To"/>] when it is not −1,
/// and the <see cref="Columns"/> in capture_objects order.
/// </summary>
internal readonly record struct ProfileBufferQuery(int FirstEntry, int LastEntry, int RestrictingColumn, long From, long To, int[] Columns)
{
    /// <summary>The access selector of range_descriptor.</summary>
    public const byte RangeSelector = RangeDescriptor.AccessSelector;

    /// <summary>The access selector of entry_descriptor.</summary>
    public const byte EntrySelector = EntryDescriptor.AccessSelector;

    public static ProfileBufferQuery All(int entries, int columnCount) =>
        new(0, entries - 1, -1, 0, 0, Enumerable.Range(0, columnCount).ToArray());

    /// <summary>
    /// selector 1, range_descriptor. Refusals: TypeUnmatched when the parameters are not a range_descriptor or the
    /// bounds are not date-times (12-byte octet-string or date-time); ObjectUnavailable when the restricting object
    /// or a selected value is not a capture object of this profile; OtherReason when the restricting column is not a
    /// date-time column, a bound does not denote an instant (an unspecified field other than hundredths, day of week,
    /// deviation or status), from is after to, or more values are selected than there are columns.
    /// </summary>
    public static (ProfileBufferQuery Query, DataAccessResult Result) FromRange(
        CosemData parameters, IReadOnlyList<ProfileColumn> columns, int entries, MeterClock clock)
    {
        if (!RangeDescriptor.TryFromData(parameters, out var range))
        {
            return (default, DataAccessResult.TypeUnmatched);
        }

        var restricting = IndexOf(columns, range.RestrictingObject);
        if (restricting < 0)
        {
            return (default, DataAccessResult.ObjectUnavailable);
        }

        if (columns[restricting].Type != ProfileColumnType.DateTime)
        {
            return (default, DataAccessResult.OtherReason);
        }

        if (!DateTimeValues.TryRead(range.FromValue, out var from) || !DateTimeValues.TryRead(range.ToValue, out var to))
        {
            return (default, DataAccessResult.TypeUnmatched);
        }

        if (!DateTimeValues.TryToInstant(from, clock, out var fromInstant) ||
            !DateTimeValues.TryToInstant(to, clock, out var toInstant) ||
            fromInstant > toInstant)
        {
            return (default, DataAccessResult.OtherReason);
        }

        int[] selected;
        if (range.SelectedValues.IsEmpty)
        {
            selected = Enumerable.Range(0, columns.Count).ToArray();
        }
        else
        {
            if (range.SelectedValues.Length > columns.Count)
            {
                return (default, DataAccessResult.OtherReason);
            }

            var wanted = new bool[columns.Count];
            foreach (var value in range.SelectedValues)
            {
                var index = IndexOf(columns, value);
                if (index < 0)
                {
                    return (default, DataAccessResult.ObjectUnavailable);
                }

                wanted[index] = true;
            }

            selected = Enumerable.Range(0, columns.Count).Where(i => wanted[i]).ToArray();
        }

        return (new ProfileBufferQuery(0, entries - 1, restricting, fromInstant.UtcTicks, toInstant.UtcTicks, selected), DataAccessResult.Success);
    }

    /// <summary>
    /// selector 2, entry_descriptor (entries and values numbered from 1; to_entry or to_selected_value 0 = the last).
    /// A to_entry beyond entries_in_use is cut to it and a from_entry beyond it selects nothing. Refusals:
    /// TypeUnmatched when the parameters are not an entry_descriptor; OtherReason when from_entry or
    /// from_selected_value is 0, from is after to, or a selected value is beyond the number of columns.
    /// </summary>
    public static (ProfileBufferQuery Query, DataAccessResult Result) FromEntries(CosemData parameters, int columnCount, int entries)
    {
        if (!EntryDescriptor.TryFromData(parameters, out var descriptor))
        {
            return (default, DataAccessResult.TypeUnmatched);
        }

        var toEntry = descriptor.IsToEntryHighest ? uint.MaxValue : descriptor.ToEntry;
        var toValue = descriptor.IsToSelectedValueHighest ? columnCount : descriptor.ToSelectedValue;
        if (descriptor.FromEntry == 0 || descriptor.FromEntry > toEntry ||
            descriptor.FromSelectedValue == 0 || descriptor.FromSelectedValue > toValue || toValue > columnCount)
        {
            return (default, DataAccessResult.OtherReason);
        }

        var first = (int)Math.Min(descriptor.FromEntry - 1L, entries);
        var last = (int)Math.Min(toEntry - 1L, entries - 1L);
        var selected = Enumerable.Range(descriptor.FromSelectedValue - 1, toValue - descriptor.FromSelectedValue + 1).ToArray();
        return (new ProfileBufferQuery(first, last, -1, 0, 0, selected), DataAccessResult.Success);
    }

    /// <summary>True when the entry whose restricting cell is <paramref name="cell"/> is selected.</summary>
    public bool Matches(long cell)
    {
        if (RestrictingColumn < 0)
        {
            return true;
        }

        if (cell == ProfileGenericObject.UnspecifiedDateTime)
        {
            return false;
        }

        var seen = ProfileCells.ToHundredths(cell);
        return seen >= From && seen <= To;
    }

    private static int IndexOf(IReadOnlyList<ProfileColumn> columns, CaptureObjectDefinition captureObject)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].CaptureObject == captureObject)
            {
                return i;
            }
        }

        return -1;
    }
}
