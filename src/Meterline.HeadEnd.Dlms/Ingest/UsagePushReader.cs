using System.Buffers.Binary;
using System.Collections.Frozen;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// The direct path for a profile's usage pushes: reads the plaintext DataNotification (Green Book §9.5) straight from
/// its A-XDR bytes against the usage push setup's object list — push setup name, serial number, one profile buffer,
/// cumulative registers, in the profile's capture order — into one exactly sized <see cref="IntervalReading"/>
/// array, without building a <see cref="CosemData"/> tree or any string. It takes only the shape it knows: well-formed
/// elements of the expected types (integers, 12-byte date-time octet-strings, short or long-form lengths), the
/// meter's own serial, nothing after the body. Anything else — another push setup, a null element, a float, a
/// serial that differs, a malformed or truncated body — it declines, and <see cref="PushBodyMapper.Map"/> decides
/// (refusing with its reason, or mapping). When it accepts, its records are the generic mapping's, element for element
/// (tests/Meterline.HeadEnd.Dlms.Tests "UsagePushReaderTests"). Runs only on plaintext whose tag verified.
/// </summary>
internal sealed class UsagePushReader
{
    private const byte OctetStringTag = (byte)DataTag.OctetString;

    private readonly FrozenDictionary<ObisCode, Plan> _plans;
    private readonly DeviationConvention _deviation;

    private UsagePushReader(FrozenDictionary<ObisCode, Plan> plans, DeviationConvention deviation)
    {
        _plans = plans;
        _deviation = deviation;
    }

    /// <summary>What one element of the push (or one column of the buffer) is.</summary>
    private enum Part : byte
    {
        PushSetupName,
        Serial,
        Buffer,
        Value,
        Clock,
    }

    /// <summary>
    /// A reader for the usage push setups of <paramref name="layout"/> whose elements are all of kinds it reads; null
    /// when there is none (the generic mapping then reads every push).
    /// </summary>
    /// <param name="profile">The meter profile (its deviation convention).</param>
    /// <param name="layout">The profile's push layout.</param>
    /// <param name="column">The quantity and scale factor of a value element, as the generic mapping uses them; false for an element that is no value it knows.</param>
    public static UsagePushReader? TryCreate(MeterProfile profile, PushLayout layout, TryGetColumn column)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(layout);
        var plans = new Dictionary<ObisCode, Plan>();
        foreach (var (name, setup) in layout.PushSetups)
        {
            if (setup.Kind == PushKind.Usage && TryPlan(setup, layout, column) is { } plan)
            {
                plans[name] = plan;
            }
        }

        return plans.Count == 0 ? null : new UsagePushReader(plans.ToFrozenDictionary(), profile.Deviation);
    }

    /// <summary>The quantity (null when it is none the head-end stores) and scale factor of a value element.</summary>
    public delegate bool TryGetColumn(CaptureObjectDefinition definition, out Quantity? quantity, out decimal factor);

    /// <summary>
    /// Reads a usage push of <paramref name="meter"/>; null when the plaintext is not one it takes (then the generic
    /// mapping decides). Never throws for any input.
    /// </summary>
    public DecodedPush? TryRead(ReadOnlySpan<byte> plaintext, Meter meter, uint invocationCounter)
    {
        ArgumentNullException.ThrowIfNull(meter);

        // Data-Notification: tag, long-invoke-id-and-priority, date-time (empty or 12 bytes), then the body.
        if (plaintext.Length < 1 + LongInvokeIdAndPriority.EncodedLength + 1 || plaintext[0] != ApduTag.DataNotification)
        {
            return null;
        }

        var priority = new LongInvokeIdAndPriority(BinaryPrimitives.ReadUInt32BigEndian(plaintext[1..])).IsHighPriority;
        var at = 1 + LongInvokeIdAndPriority.EncodedLength;
        var dateTimeLength = plaintext[at++];
        if (dateTimeLength != 0)
        {
            if (dateTimeLength != CosemDateTime.EncodedLength)
            {
                return null;
            }

            at += CosemDateTime.EncodedLength;
        }

        var cursor = new Cursor(plaintext, at);

        // The body: a structure whose first element names the push setup.
        if (!cursor.TryTag((byte)DataTag.Structure) || !cursor.TryLength(out var elements)
            || !cursor.TryTag(OctetStringTag) || !cursor.TryLength(out var nameLength) || nameLength != ObisCode.EncodedLength
            || !cursor.TryTake(ObisCode.EncodedLength, out var nameBytes))
        {
            return null;
        }

        ObisCode.TryDecode(nameBytes, out var pushSetup, out _);
        if (!_plans.TryGetValue(pushSetup, out var plan) || elements != plan.Elements.Length)
        {
            return null;
        }

        Span<double> registers = stackalloc double[plan.KnownRegisters];
        var registerCount = 0;
        IntervalReading[]? readings = null;
        var written = 0;
        var rows = 0;
        var newest = default(DateTimeOffset);
        var newestQuality = ReadingQuality.None;
        for (var i = 1; i < plan.Elements.Length; i++)
        {
            var element = plan.Elements[i];
            switch (element.Part)
            {
                case Part.Serial:
                    if (!cursor.TryTag(OctetStringTag) || !cursor.TryLength(out var serialLength)
                        || !cursor.TryTake(serialLength, out var serial) || !IsSerialOf(serial, meter.Serial))
                    {
                        return null;
                    }

                    break;
                case Part.Value:
                    if (!cursor.TryNumber(out var raw) || !TryScale(raw, element.Factor, out var scaled))
                    {
                        return null;
                    }

                    if (element.Quantity is not null)
                    {
                        registers[registerCount++] = scaled;
                    }

                    break;
                case Part.Buffer:
                    if (!cursor.TryTag((byte)DataTag.Array) || !cursor.TryLength(out rows) || rows > PushBodyMapper.MaxRows || rows > cursor.Remaining)
                    {
                        return null;
                    }

                    readings = rows == 0 ? [] : new IntervalReading[(rows * plan.KnownColumns) + plan.KnownRegisters];
                    for (var r = 0; r < rows; r++)
                    {
                        if (!TryReadRow(ref cursor, plan, meter.Id, readings, ref written, out var time, out var quality))
                        {
                            return null;
                        }

                        if (r == 0 || time > newest)
                        {
                            newest = time;
                            newestQuality = quality;
                        }
                    }

                    break;
                default:
                    return null;
            }
        }

        if (!cursor.IsAtEnd || readings is null)
        {
            return null;
        }

        if (rows > 0)
        {
            var registerQuality = ReadingQuality.Authenticated | newestQuality;
            for (var k = 0; k < registerCount; k++)
            {
                readings[written++] = new IntervalReading(meter.Id, newest, plan.RegisterQuantities[k], registers[k], registerQuality);
            }
        }

        return new DecodedPush(meter.Id, invocationCounter, PushKind.Usage, priority, readings, [], []);
    }

    private bool TryReadRow(ref Cursor cursor, Plan plan, MeterId meter, IntervalReading[] readings, ref int written, out DateTimeOffset time, out ReadingQuality quality)
    {
        time = default;
        quality = ReadingQuality.None;
        if (!cursor.TryTag((byte)DataTag.Structure) || !cursor.TryLength(out var cells) || cells != plan.Columns.Length)
        {
            return false;
        }

        // The clock may stand anywhere in the row: values are written first and given its time afterwards.
        var first = written;
        for (var c = 0; c < plan.Columns.Length; c++)
        {
            var column = plan.Columns[c];
            if (column.Part == Part.Clock)
            {
                if (!cursor.TryTag(OctetStringTag) || !cursor.TryLength(out var length) || length != CosemDateTime.EncodedLength
                    || !cursor.TryTake(CosemDateTime.EncodedLength, out var bytes)
                    || !CosemDateTime.TryDecode(bytes, out var dateTime, out _)
                    || !PushBodyMapper.TryInstant(dateTime, _deviation, out time, out quality))
                {
                    return false;
                }

                continue;
            }

            if (!cursor.TryNumber(out var raw) || !TryScale(raw, column.Factor, out var scaled))
            {
                return false;
            }

            if (column.Quantity is { } quantity)
            {
                readings[written++] = new IntervalReading(meter, default, quantity, scaled, default);
            }
        }

        var stamp = ReadingQuality.Authenticated | quality;
        for (var k = first; k < written; k++)
        {
            readings[k] = readings[k] with { Time = time, Quality = stamp };
        }

        return true;
    }

    private static bool IsSerialOf(ReadOnlySpan<byte> serial, string expected)
    {
        if (serial.Length != expected.Length || serial.Length is 0 or > PushBodyMapper.MaxSerialLength)
        {
            return false;
        }

        for (var i = 0; i < serial.Length; i++)
        {
            if (serial[i] is < 0x20 or > 0x7E || serial[i] != expected[i])
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryScale(decimal raw, decimal factor, out double scaled)
    {
        // The generic mapping's arithmetic (decimal, then double), so that both give the same double.
        return PushBodyMapper.TryScale(raw, factor, out scaled);
    }

    private static Plan? TryPlan(PushSetupLayout setup, PushLayout layout, TryGetColumn column)
    {
        var objects = setup.ObjectList;
        if (objects.Length < 2 || objects[0].ClassId != 40 || objects[0].AttributeIndex != 1)
        {
            return null;
        }

        var elements = new Element[objects.Length];
        elements[0] = new Element(Part.PushSetupName, null, 1m);
        var buffers = 0;
        var serials = 0;
        Element[]? columns = null;
        var registerQuantities = new List<Quantity>();
        for (var i = 1; i < objects.Length; i++)
        {
            var definition = objects[i];
            if (definition.LogicalName == PushLayout.SerialNumber)
            {
                elements[i] = new Element(Part.Serial, null, 1m);
                serials++;
            }
            else if (definition.ClassId == 7 && definition.AttributeIndex == 2 && layout.ProfileColumns.TryGetValue(definition.LogicalName, out var captureObjects))
            {
                columns = TryPlanColumns(captureObjects, column);
                if (columns is null)
                {
                    return null;
                }

                elements[i] = new Element(Part.Buffer, null, 1m);
                buffers++;
            }
            else if (definition.ClassId is 3 or 4 && definition.AttributeIndex == 2 && column(definition, out var quantity, out var factor))
            {
                elements[i] = new Element(Part.Value, quantity, factor);
                if (quantity is { } known)
                {
                    registerQuantities.Add(known);
                }
            }
            else
            {
                return null; // an element this reader does not know: the generic mapping reads the setup's pushes
            }
        }

        return buffers == 1 && serials == 1 && columns is not null
            ? new Plan(elements, columns, columns.Count(c => c.Quantity is not null), [.. registerQuantities])
            : null;
    }

    private static Element[]? TryPlanColumns(IReadOnlyList<CaptureObjectDefinition> captureObjects, TryGetColumn column)
    {
        var columns = new Element[captureObjects.Count];
        var clocks = 0;
        for (var c = 0; c < columns.Length; c++)
        {
            var definition = captureObjects[c];
            if (definition.ClassId == 8)
            {
                columns[c] = new Element(Part.Clock, null, 1m);
                clocks++;
            }
            else if (definition.ClassId is 3 or 4 && definition.AttributeIndex == 2 && column(definition, out var quantity, out var factor))
            {
                columns[c] = new Element(Part.Value, quantity, factor);
            }
            else
            {
                return null;
            }
        }

        return clocks == 1 ? columns : null;
    }

    private readonly record struct Element(Part Part, Quantity? Quantity, decimal Factor);

    private sealed record Plan(Element[] Elements, Element[] Columns, int KnownColumns, Quantity[] RegisterQuantities)
    {
        public int KnownRegisters => RegisterQuantities.Length;
    }

    /// <summary>A position in the plaintext with non-throwing reads; every read checks the bytes present.</summary>
    private ref struct Cursor(ReadOnlySpan<byte> bytes, int position)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _position = position;

        public readonly bool IsAtEnd => _position == _bytes.Length;

        public readonly int Remaining => _bytes.Length - _position;

        public bool TryTag(byte tag)
        {
            if (_position >= _bytes.Length || _bytes[_position] != tag)
            {
                return false;
            }

            _position++;
            return true;
        }

        /// <summary>An A-XDR length: one byte below 0x80, else 0x80 | n and n big-endian bytes (n 1–4), at most int.MaxValue.</summary>
        public bool TryLength(out int length)
        {
            length = 0;
            if (_position >= _bytes.Length)
            {
                return false;
            }

            var first = _bytes[_position];
            if (first < 0x80)
            {
                _position++;
                length = first;
                return true;
            }

            var size = first & 0x7F;
            if (size is 0 or > 4 || _position + 1 + size > _bytes.Length)
            {
                return false;
            }

            uint value = 0;
            for (var i = 1; i <= size; i++)
            {
                value = (value << 8) | _bytes[_position + i];
            }

            if (value > int.MaxValue)
            {
                return false;
            }

            _position += 1 + size;
            length = (int)value;
            return true;
        }

        public bool TryTake(int count, out ReadOnlySpan<byte> taken)
        {
            if (count < 0 || count > Remaining)
            {
                taken = default;
                return false;
            }

            taken = _bytes.Slice(_position, count);
            _position += count;
            return true;
        }

        /// <summary>An integer alternative of any width (floats are left to the generic mapping).</summary>
        public bool TryNumber(out decimal value)
        {
            value = 0;
            if (_position >= _bytes.Length)
            {
                return false;
            }

            var tag = (DataTag)_bytes[_position];
            var size = tag switch
            {
                DataTag.Integer or DataTag.Unsigned or DataTag.Enum => 1,
                DataTag.Long or DataTag.LongUnsigned => 2,
                DataTag.DoubleLong or DataTag.DoubleLongUnsigned => 4,
                DataTag.Long64 or DataTag.Long64Unsigned => 8,
                _ => 0,
            };
            if (size == 0 || _position + 1 + size > _bytes.Length)
            {
                return false;
            }

            var content = _bytes.Slice(_position + 1, size);
            value = tag switch
            {
                DataTag.Integer => unchecked((sbyte)content[0]),
                DataTag.Unsigned or DataTag.Enum => content[0],
                DataTag.Long => BinaryPrimitives.ReadInt16BigEndian(content),
                DataTag.LongUnsigned => BinaryPrimitives.ReadUInt16BigEndian(content),
                DataTag.DoubleLong => BinaryPrimitives.ReadInt32BigEndian(content),
                DataTag.DoubleLongUnsigned => BinaryPrimitives.ReadUInt32BigEndian(content),
                DataTag.Long64 => BinaryPrimitives.ReadInt64BigEndian(content),
                _ => BinaryPrimitives.ReadUInt64BigEndian(content),
            };
            _position += 1 + size;
            return true;
        }
    }
}
