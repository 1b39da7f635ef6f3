using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Meter.Time;

namespace Meterline.Meter.Cosem;

/// <summary>
/// Interface class 7 "Profile generic", version 1 (Blue Book 4.3.6). The buffer is a ring of <see cref="long"/>
/// cells, one per column per entry, typed by <see cref="ProfileColumn.Type"/> and turned into COSEM data only when
/// read: 3,000 entries of 6 columns take 144 kB. When full, the oldest entry is overwritten (sort_method 1, fifo).
/// <list type="bullet">
/// <item>2 <c>buffer</c>: array of structure, oldest entry first. Selective access: selector 1 range_descriptor on a
/// date-time column (inclusive bounds, compared as instants at the hundredth of a second), selector 2
/// entry_descriptor (see <see cref="ProfileBufferQuery"/> for the refusals). With <c>captureOnRead</c> (the
/// instantaneous profile) every read of the buffer first captures an entry.</item>
/// <item>3 <c>capture_objects</c>: array of capture_object_definition. 4 <c>capture_period</c>: double-long-unsigned,
/// seconds. 5 <c>sort_method</c>: enum 1 (fifo). 6 <c>sort_object</c>: the null capture_object_definition (class 0,
/// logical name 0.0.0.0.0.0, attribute 0, data index 0), as the buffer is unsorted. 7 <c>entries_in_use</c> and 8
/// <c>profile_entries</c>: double-long-unsigned. All read-only.</item>
/// <item>Methods: 1 <c>reset</c> and 2 <c>capture</c>, both data integer(0); capture is ReadWriteDenied when the
/// meter gave no capture callback.</item>
/// </list>
/// </summary>
public sealed class ProfileGenericObject : CosemObject
{
    public const sbyte BufferAttribute = 2;
    public const sbyte CaptureObjectsAttribute = 3;
    public const sbyte CapturePeriodAttribute = 4;
    public const sbyte SortMethodAttribute = 5;
    public const sbyte SortObjectAttribute = 6;
    public const sbyte EntriesInUseAttribute = 7;
    public const sbyte ProfileEntriesAttribute = 8;

    public const sbyte ResetMethod = 1;
    public const sbyte CaptureMethod = 2;

    /// <summary>The most columns a profile may have.</summary>
    public const int MaximumColumns = 128;

    /// <summary>A date-time cell whose every field is "not specified" on the wire.</summary>
    public const long UnspecifiedDateTime = long.MinValue;

    /// <summary>sort_method 1: fifo (Blue Book 4.3.6).</summary>
    public const byte FifoSortMethod = 1;

    /// <summary>The access selectors the buffer accepts: 1 range_descriptor, 2 entry_descriptor.</summary>
    public static ImmutableArray<sbyte> BufferAccessSelectors { get; } = [(sbyte)ProfileBufferQuery.RangeSelector, (sbyte)ProfileBufferQuery.EntrySelector];

    private readonly ProfileColumn[] _columns;
    private readonly long[] _cells;
    private readonly MeterClock _clock;
    private readonly Func<long[]>? _captureNow;
    private readonly bool _captureOnRead;
    private int _oldest;

    /// <param name="ln">The logical name.</param>
    /// <param name="columns">capture_objects and the cell type of each column; 1 to <see cref="MaximumColumns"/>, distinct.</param>
    /// <param name="capacity">profile_entries: how many entries the buffer keeps.</param>
    /// <param name="clock">The meter's clock: time zone and deviation convention of date-time cells.</param>
    /// <param name="capturePeriod">capture_period: whole seconds, zero when capture is not periodic.</param>
    /// <param name="captureNow">Returns one entry for capture (method 2, and reads when <paramref name="captureOnRead"/>).</param>
    /// <param name="captureOnRead">Capture an entry before every read of the buffer (the instantaneous profile).</param>
    public ProfileGenericObject(
        ObisCode ln,
        IReadOnlyList<ProfileColumn> columns,
        int capacity,
        MeterClock clock,
        TimeSpan capturePeriod,
        Func<long[]>? captureNow = null,
        bool captureOnRead = false)
        : base(ln)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfZero(columns.Count, nameof(columns));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns.Count, MaximumColumns, nameof(columns));
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)capacity * columns.Count, Array.MaxLength, nameof(capacity));
        if (capturePeriod < TimeSpan.Zero || capturePeriod.Ticks % TimeSpan.TicksPerSecond != 0 || capturePeriod.TotalSeconds > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(capturePeriod), "capture_period is a whole number of seconds up to 2^32 − 1");
        }

        if (captureOnRead && captureNow is null)
        {
            throw new ArgumentException("Capturing on read needs a capture callback", nameof(captureNow));
        }

        _columns = [.. columns];
        if (_columns.Any(c => !Enum.IsDefined(c.Type)))
        {
            throw new ArgumentException("Unknown column type", nameof(columns));
        }

        if (_columns.Select(c => c.CaptureObject).Distinct().Count() != _columns.Length)
        {
            throw new ArgumentException("Two columns have the same capture object", nameof(columns));
        }

        _cells = new long[capacity * _columns.Length];
        _clock = clock;
        _captureNow = captureNow;
        _captureOnRead = captureOnRead;
        Capacity = capacity;
        CapturePeriod = capturePeriod;
    }

    public override ushort ClassId => 7;

    public override byte Version => 1;

    public override int AttributeCount => 8;

    public override int MethodCount => 2;

    /// <summary>The columns (capture_objects).</summary>
    public IReadOnlyList<ProfileColumn> Columns => _columns;

    /// <summary>profile_entries.</summary>
    public int Capacity { get; }

    /// <summary>entries_in_use.</summary>
    public int EntriesInUse { get; private set; }

    /// <summary>capture_period.</summary>
    public TimeSpan CapturePeriod { get; }

    /// <summary>
    /// Adds an entry, one cell per column (date-times as UTC ticks of meter time), overwriting the oldest when the
    /// buffer is full.
    /// </summary>
    /// <exception cref="ArgumentException">The row has the wrong length or a cell is out of its column's range.</exception>
    public void Append(ReadOnlySpan<long> row)
    {
        if (row.Length != _columns.Length)
        {
            throw new ArgumentException($"A row of this profile has {_columns.Length} cells, not {row.Length}", nameof(row));
        }

        for (var i = 0; i < row.Length; i++)
        {
            if (!ProfileCells.IsValid(_columns[i].Type, row[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(row), $"Cell {i} is out of the range of a {_columns[i].Type} column");
            }
        }

        int slot;
        if (EntriesInUse < Capacity)
        {
            slot = (_oldest + EntriesInUse) % Capacity;
            EntriesInUse++;
        }
        else
        {
            slot = _oldest;
            _oldest = (_oldest + 1) % Capacity;
        }

        row.CopyTo(_cells.AsSpan(slot * _columns.Length, _columns.Length));
    }

    /// <summary>The cells of entry <paramref name="index"/> (0 = the oldest).</summary>
    public ReadOnlySpan<long> GetRowSpan(int index) => _cells.AsSpan(Slot(index) * _columns.Length, _columns.Length);

    /// <summary>A copy of the cells of entry <paramref name="index"/> (0 = the oldest).</summary>
    public long[] GetRow(int index) => GetRowSpan(index).ToArray();

    /// <summary>Empties the buffer (method 1, reset).</summary>
    public void Reset()
    {
        EntriesInUse = 0;
        _oldest = 0;
    }

    /// <summary>Captures an entry through the capture callback (method 2, capture); false without one.</summary>
    public bool Capture()
    {
        if (_captureNow is null)
        {
            return false;
        }

        Append(_captureNow());
        return true;
    }

    protected override bool AcceptsSelectiveAccess(sbyte attributeId, byte accessSelector) =>
        attributeId == BufferAttribute && accessSelector is ProfileBufferQuery.RangeSelector or ProfileBufferQuery.EntrySelector;

    protected override GetDataResult GetAttribute(AssociationContext association, sbyte attributeId, SelectiveAccessDescriptor? selection) =>
        attributeId switch
        {
            BufferAttribute => ReadBuffer(selection),
            CaptureObjectsAttribute => new(new CosemData.Array(_columns.Select(c => c.CaptureObject.ToData()).ToImmutableArray())),
            CapturePeriodAttribute => new(new CosemData.DoubleLongUnsigned((uint)CapturePeriod.TotalSeconds)),
            SortMethodAttribute => new(new CosemData.Enum(FifoSortMethod)),
            SortObjectAttribute => new(new CaptureObjectDefinition(0, default, 0, 0).ToData()),
            EntriesInUseAttribute => new(new CosemData.DoubleLongUnsigned((uint)EntriesInUse)),
            _ => new(new CosemData.DoubleLongUnsigned((uint)Capacity)),
        };

    protected override (ActionResult Result, CosemData? ReturnData) InvokeMethod(AssociationContext association, sbyte methodId, CosemData? parameters)
    {
        if (methodId == CaptureMethod && _captureNow is null)
        {
            return (ActionResult.ReadWriteDenied, null);
        }

        if (MethodParameters.CheckIntegerZero(parameters) is { } refusal)
        {
            return (refusal, null);
        }

        if (methodId == ResetMethod)
        {
            Reset();
        }
        else
        {
            Capture();
        }

        return (ActionResult.Success, null);
    }

    private GetDataResult ReadBuffer(SelectiveAccessDescriptor? selection)
    {
        if (_captureOnRead)
        {
            Capture();
        }

        var (query, result) = selection switch
        {
            null => (ProfileBufferQuery.All(EntriesInUse, _columns.Length), DataAccessResult.Success),
            { AccessSelector: ProfileBufferQuery.RangeSelector } => ProfileBufferQuery.FromRange(selection.AccessParameters, _columns, EntriesInUse, _clock),
            _ => ProfileBufferQuery.FromEntries(selection.AccessParameters, _columns.Length, EntriesInUse),
        };
        if (result != DataAccessResult.Success)
        {
            return new(result);
        }

        var entries = ImmutableArray.CreateBuilder<CosemData>();
        for (var entry = query.FirstEntry; entry <= query.LastEntry; entry++)
        {
            var row = GetRowSpan(entry);
            if (!query.Matches(query.RestrictingColumn < 0 ? 0 : row[query.RestrictingColumn]))
            {
                continue;
            }

            var values = new CosemData[query.Columns.Length];
            for (var i = 0; i < values.Length; i++)
            {
                var column = query.Columns[i];
                values[i] = ProfileCells.ToData(_columns[column].Type, row[column], _clock);
            }

            entries.Add(new CosemData.Structure(ImmutableArray.Create(values)));
        }

        return new(new CosemData.Array(entries.ToImmutable()));
    }

    private int Slot(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, EntriesInUse);
        return (_oldest + index) % Capacity;
    }
}
