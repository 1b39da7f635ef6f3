using System.Collections.Frozen;
using System.Globalization;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// Maps an authenticated DataNotification of one meter profile to domain records, element by element against the
/// push setup's object list in the <see cref="PushLayout"/>: register values scaled by the profile's scalers into the
/// quantity's unit, date-times read with the profile's deviation convention, profile buffer rows by their columns.
/// Anything that does not fit the layout is a refusal with a reason, never an exception.
/// </summary>
internal sealed class PushBodyMapper
{
    /// <summary>Rows one profile buffer in a push may carry (the meter sends one per push).</summary>
    public const int MaxRows = 1_000;

    /// <summary>The longest serial number a push may carry.</summary>
    public const int MaxSerialLength = 32;

    private readonly MeterProfile _profile;
    private readonly PushLayout _layout;
    private readonly FrozenDictionary<CaptureObjectDefinition, ValueColumn> _values;

    /// <exception cref="InvalidOperationException">A register in the layout has no scaler and unit in the profile.</exception>
    public PushBodyMapper(MeterProfile profile, PushLayout layout)
    {
        _profile = profile;
        _layout = layout;
        var definitions = layout.PushSetups.Values.SelectMany(s => s.ObjectList).Concat(layout.ProfileColumns.Values.SelectMany(c => c));
        var values = new Dictionary<CaptureObjectDefinition, ValueColumn>();
        foreach (var definition in definitions.Where(d => d.AttributeIndex == 2 && d.ClassId is 1 or 3 or 4))
        {
            var scaler = (sbyte)0;
            if (definition.ClassId is 3 or 4)
            {
                scaler = profile.Find(definition.LogicalName)?.ScalerUnit?.Scaler
                    ?? throw new InvalidOperationException($"Profile {profile.Id} has no scaler and unit for register {definition.LogicalName}.");
            }

            Quantity.TryFromObis(definition.LogicalName.ToString(), out var quantity);
            values[definition] = new ValueColumn(quantity.IsKnown ? quantity : null, Factor(scaler));
        }

        _values = values.ToFrozenDictionary();
        Direct = UsagePushReader.TryCreate(profile, layout, TryGetColumn);
    }

    /// <summary>The direct reader of this profile's usage pushes; null when its usage push has elements only the generic mapping reads.</summary>
    public UsagePushReader? Direct { get; }

    public PushDecodeResult Map(DataNotification notification, Meter meter, uint invocationCounter, DateTimeOffset receivedAt)
    {
        if (notification.NotificationBody is not CosemData.Structure { Items.Length: > 0 } body)
        {
            return Refuse("the notification body is not a structure");
        }

        if (body.Items[0] is not CosemData.OctetString { Value.Length: ObisCode.EncodedLength } name)
        {
            return Refuse("the first element is not a push setup logical name");
        }

        var pushSetup = ObisCode.Decode(name.Value.Span, out _);
        if (!_layout.PushSetups.TryGetValue(pushSetup, out var setup))
        {
            return Refuse($"unknown push setup {pushSetup}");
        }

        if (body.Items.Length != setup.ObjectList.Length)
        {
            return Refuse($"push setup {pushSetup} carries {setup.ObjectList.Length} elements, not {body.Items.Length}");
        }

        var content = new PushContent();
        for (var i = 1; i < body.Items.Length; i++)
        {
            if (Read(setup.ObjectList[i], body.Items[i], content) is { } error)
            {
                return Refuse($"element {i.ToString(CultureInfo.InvariantCulture)} ({setup.ObjectList[i].LogicalName}): {error}");
            }
        }

        if (content.Serial is not { } serial)
        {
            return Refuse("no serial number");
        }

        if (!string.Equals(serial, meter.Serial, StringComparison.Ordinal))
        {
            return PushDecodeResult.Refused(IngestRejectReason.SerialMismatch, $"serial {serial}");
        }

        var priority = setup.Kind == PushKind.Alert || notification.LongInvokeIdAndPriority.IsHighPriority;
        switch (setup.Kind)
        {
            case PushKind.Usage:
                return PushDecodeResult.Decoded(new DecodedPush(meter.Id, invocationCounter, PushKind.Usage, priority, UsageReadings(meter.Id, content), [], []));
            case PushKind.Billing:
                var snapshots = content.Rows.Select(r => new BillingSnapshot(meter.Id, r.Time, r.Values, r.CaptureTime, ReadingQuality.Authenticated | r.Quality)).ToArray();
                return PushDecodeResult.Decoded(new DecodedPush(meter.Id, invocationCounter, PushKind.Billing, priority, [], snapshots, []));
            default:
                if (content.EventCode is not { } code)
                {
                    return Refuse("an alert without an event code");
                }

                var occurredAt = content.Clock ?? (notification.DateTime is { } dt && TryInstant(dt, out var at, out _) ? at : (DateTimeOffset?)null);
                if (occurredAt is not { } time)
                {
                    return Refuse("an alert without a time");
                }

                var meterEvent = new MeterEvent(meter.Id, time, code, content.Registers, receivedAt);
                return PushDecodeResult.Decoded(new DecodedPush(meter.Id, invocationCounter, PushKind.Alert, priority, [], [], [meterEvent]));
        }
    }

    /// <summary>The quantity (null when none the head-end stores) and the scale factor of a value element or column.</summary>
    private bool TryGetColumn(CaptureObjectDefinition definition, out Quantity? quantity, out decimal factor)
    {
        if (_values.TryGetValue(definition, out var column))
        {
            quantity = column.Quantity;
            factor = column.Factor;
            return true;
        }

        quantity = null;
        factor = 0;
        return false;
    }

    private static PushDecodeResult Refuse(string detail) => PushDecodeResult.Refused(IngestRejectReason.Undecodable, detail);

    /// <summary>Every column of every row, and the cumulative registers at the newest row's time.</summary>
    private static List<IntervalReading> UsageReadings(MeterId meter, PushContent content)
    {
        var readings = new List<IntervalReading>();
        foreach (var row in content.Rows)
        {
            readings.AddRange(row.Values.Select(v => new IntervalReading(meter, row.Time, v.Quantity, v.Value, ReadingQuality.Authenticated | row.Quality)));
        }

        if (content.Rows.Count > 0)
        {
            var newest = content.Rows.MaxBy(r => r.Time)!;
            readings.AddRange(content.Registers.Select(v => new IntervalReading(meter, newest.Time, v.Quantity, v.Value, ReadingQuality.Authenticated | newest.Quality)));
        }

        return readings;
    }

    /// <summary>Reads one element into <paramref name="content"/>; an error text when it does not fit.</summary>
    private string? Read(CaptureObjectDefinition definition, CosemData item, PushContent content)
    {
        if (item is CosemData.NullData)
        {
            return null; // the meter could not read this object when it captured the push
        }

        if (definition.LogicalName == PushLayout.SerialNumber)
        {
            if (item is not CosemData.OctetString { Value.Length: > 0 and <= MaxSerialLength } octets || octets.Value.Span.ContainsAnyExceptInRange((byte)0x20, (byte)0x7E))
            {
                return "not a serial number";
            }

            content.Serial = System.Text.Encoding.ASCII.GetString(octets.Value.Span);
            return null;
        }

        if (definition.ClassId == 8)
        {
            if (!TryTime(item, out var time, out var quality))
            {
                return "not a date-time";
            }

            content.Clock = time;
            return null;
        }

        if (definition.ClassId == 7 && definition.AttributeIndex == 2)
        {
            return ReadRows(definition.LogicalName, item, content);
        }

        if (definition.ClassId == 1 && definition.LogicalName is { A: 0, B: 0, C: 96, D: 11 })
        {
            if (!CosemNumbers.TryGetInt64(item, out var code) || code is < 0 or > ushort.MaxValue)
            {
                return "not an event code";
            }

            content.EventCode = (int)code;
            return null;
        }

        if (_values.TryGetValue(definition, out var column))
        {
            if (!CosemNumbers.TryGetDecimal(item, out var raw) || !TryScale(raw, column.Factor, out var scaled))
            {
                return "not a number in range";
            }

            if (column.Quantity is { } quantity)
            {
                content.Registers.Add(new RegisterValue(quantity, scaled));
            }
        }

        return null;
    }

    private string? ReadRows(ObisCode profile, CosemData item, PushContent content)
    {
        if (!_layout.ProfileColumns.TryGetValue(profile, out var columns))
        {
            return "a profile generic without a known column layout";
        }

        if (item is not CosemData.Array { Items.Length: <= MaxRows } rows)
        {
            return "not a buffer of at most 1000 entries";
        }

        foreach (var row in rows.Items)
        {
            if (row is not CosemData.Structure cells || cells.Items.Length != columns.Length)
            {
                return $"an entry is not a structure of {columns.Length.ToString(CultureInfo.InvariantCulture)} columns";
            }

            DateTimeOffset? time = null;
            DateTimeOffset? captureTime = null;
            var quality = ReadingQuality.None;
            var values = new List<RegisterValue>(columns.Length);
            for (var c = 0; c < columns.Length; c++)
            {
                var column = columns[c];
                var cell = cells.Items[c];
                if (column.ClassId == 8)
                {
                    if (!TryTime(cell, out var t, out quality))
                    {
                        return "an entry's clock is not a date-time";
                    }

                    time = t;
                }
                else if (column.AttributeIndex == 5 && column.ClassId == 4)
                {
                    captureTime = TryTime(cell, out var t, out _) ? t : null;
                }
                else if (_values.TryGetValue(column, out var value))
                {
                    if (!CosemNumbers.TryGetDecimal(cell, out var raw) || !TryScale(raw, value.Factor, out var scaled))
                    {
                        return $"an entry's {column.LogicalName} is not a number in range";
                    }

                    if (value.Quantity is { } q)
                    {
                        values.Add(new RegisterValue(q, scaled));
                    }
                }
            }

            if (time is not { } entryTime)
            {
                return "an entry without a clock";
            }

            content.Rows.Add(new ProfileRow(entryTime, quality, values, captureTime));
        }

        return null;
    }

    private bool TryTime(CosemData item, out DateTimeOffset time, out ReadingQuality quality)
    {
        time = default;
        quality = ReadingQuality.None;
        var found = item switch
        {
            CosemData.OctetString octets when octets.TryGetDateTime(out var value) => (CosemDateTime?)value,
            CosemData.DateTime dateTime => dateTime.Value,
            _ => null,
        };
        return found is { } dt && TryInstant(dt, out time, out quality);
    }

    private bool TryInstant(CosemDateTime value, out DateTimeOffset time, out ReadingQuality quality) => TryInstant(value, _profile.Deviation, out time, out quality);

    /// <summary>A date-time as a UTC instant under the profile's deviation convention, and whether the meter flagged its clock.</summary>
    internal static bool TryInstant(CosemDateTime value, DeviationConvention deviation, out DateTimeOffset time, out ReadingQuality quality)
    {
        quality = value.ClockStatus != ClockStatus.NotSpecified && (value.ClockStatus & (ClockStatus.InvalidValue | ClockStatus.DoubtfulValue | ClockStatus.InvalidClockStatus)) != 0
            ? ReadingQuality.ClockDoubtful
            : ReadingQuality.None;
        if (!value.TryToDateTimeOffset(out var local, deviation))
        {
            time = default;
            return false;
        }

        time = local.ToUniversalTime();
        return true;
    }

    /// <summary>A raw value times its scale factor, as a double; false when the product overflows.</summary>
    internal static bool TryScale(decimal raw, decimal factor, out double scaled)
    {
        try
        {
            scaled = (double)(raw * factor);
            return true;
        }
        catch (OverflowException)
        {
            scaled = 0;
            return false;
        }
    }

    private static decimal Factor(sbyte scaler)
    {
        var factor = 1m;
        for (var i = 0; i < Math.Abs((int)scaler) && i < 28; i++)
        {
            factor = scaler > 0 ? factor * 10 : factor / 10;
        }

        return factor;
    }

    private readonly record struct ValueColumn(Quantity? Quantity, decimal Factor);

    private sealed record ProfileRow(DateTimeOffset Time, ReadingQuality Quality, IReadOnlyList<RegisterValue> Values, DateTimeOffset? CaptureTime);

    private sealed class PushContent
    {
        public string? Serial { get; set; }

        public DateTimeOffset? Clock { get; set; }

        public int? EventCode { get; set; }

        public List<RegisterValue> Registers { get; } = [];

        public List<ProfileRow> Rows { get; } = [];
    }
}
