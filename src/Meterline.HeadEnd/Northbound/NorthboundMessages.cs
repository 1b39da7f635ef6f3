using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Northbound;

/// <summary>
/// Composes the northbound messages (docs/northbound.md, schema <see cref="SchemaVersion"/>): one reading message per
/// meter per committed batch, one per billing snapshot, one alert or outage per meter event, one per command reaching a
/// final state. Every message id is derived from what the message describes, so a push sent again by its meter (or a
/// batch written again after a failed attempt) yields the same id and a consumer dedupes it.
/// </summary>
public sealed class NorthboundMessages(MeterDirectory directory)
{
    public const int SchemaVersion = 1;

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = true };

    private static readonly (ReadingQuality Flag, JsonEncodedText Name)[] QualityNames =
    [
        (ReadingQuality.Authenticated, JsonEncodedText.Encode("authenticated")),
        (ReadingQuality.BackFilled, JsonEncodedText.Encode("back-filled")),
        (ReadingQuality.Estimated, JsonEncodedText.Encode("estimated")),
        (ReadingQuality.ClockDoubtful, JsonEncodedText.Encode("clock-doubtful")),
    ];

    /// <summary>One buffer and writer per thread, reused for every message (composition runs in the batch writer and the command dispatcher).</summary>
    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Json)? _scratch;

    /// <summary>The messages describing a batch of the ingest pipeline or of back-fill, in the order: events, billing, readings.</summary>
    public List<OutboxEntry> Compose(IngestBatch batch, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var entries = new List<OutboxEntry>(batch.Events.Count + batch.BillingSnapshots.Count + 16);
        foreach (var meterEvent in batch.Events)
        {
            entries.Add(Event(meterEvent, createdAt));
        }

        foreach (var snapshot in batch.BillingSnapshots)
        {
            entries.Add(Billing(snapshot, createdAt));
        }

        if (batch.Readings.Count > 0)
        {
            var byMeter = new Dictionary<MeterId, List<IntervalReading>>();
            foreach (var reading in batch.Readings)
            {
                if (!byMeter.TryGetValue(reading.Meter, out var list))
                {
                    byMeter[reading.Meter] = list = new List<IntervalReading>(8);
                }

                list.Add(reading);
            }

            foreach (var (meter, readings) in byMeter)
            {
                entries.Add(Readings(meter, readings, createdAt));
            }
        }

        return entries;
    }

    /// <summary>The readings of one meter in one batch.</summary>
    public OutboxEntry Readings(MeterId meter, IReadOnlyList<IntervalReading> readings, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var (serial, title) = Identify(meter);
        var ordered = new List<IntervalReading>(readings);
        ordered.Sort(static (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Quantity.Code.CompareTo(b.Quantity.Code));
        var id = "reading:" + serial + ":" + Digest(meter, ordered);
        return Entry(NorthboundMessageType.Reading, "reading." + Word(serial), id, createdAt, serial, title, json =>
        {
            json.WriteStartArray("readings");
            foreach (var reading in ordered)
            {
                json.WriteStartObject();
                json.WriteString("time", Iso(reading.Time));
                json.WriteString("obis", reading.Quantity.Obis);
                json.WriteNumber("value", reading.Value);
                json.WriteString("unit", reading.Quantity.Unit);
                WriteQuality(json, reading.Quality);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    public OutboxEntry Billing(BillingSnapshot snapshot, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var (serial, title) = Identify(snapshot.Meter);
        var id = "billing:" + serial + ":" + Iso(snapshot.CapturedAt);
        return Entry(NorthboundMessageType.Billing, "billing." + Word(serial), id, createdAt, serial, title, json =>
        {
            json.WriteString("capturedAt", Iso(snapshot.CapturedAt));
            if (snapshot.MaximumDemandAt is { } demandAt)
            {
                json.WriteString("maximumDemandAt", Iso(demandAt));
            }

            WriteQuality(json, snapshot.Quality);
            WriteValues(json, snapshot.Values);
        });
    }

    /// <summary>A meter event: an outage message for a power failure's start or end, otherwise an alert.</summary>
    public OutboxEntry Event(MeterEvent meterEvent, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(meterEvent);
        var (serial, title) = Identify(meterEvent.Meter);
        var kind = EventClass.Of(meterEvent.Code);
        var id = kind.Type + ":" + serial + ":" + Iso(meterEvent.OccurredAt) + ":" + meterEvent.Code.ToString(CultureInfo.InvariantCulture);
        var routingKey = kind.Type + "." + kind.Category + "." + Word(serial);
        return Entry(kind.Type, routingKey, id, createdAt, serial, title, json =>
        {
            json.WriteString(kind.Type == NorthboundMessageType.Outage ? "phase" : "category", kind.Category);
            json.WriteNumber("eventCode", meterEvent.Code);
            json.WriteString("occurredAt", Iso(meterEvent.OccurredAt));
            json.WriteString("receivedAt", Iso(meterEvent.ReceivedAt));
            WriteValues(json, meterEvent.Values);
        });
    }

    /// <summary>A command that reached <paramref name="state"/> (a final state) at <paramref name="at"/>.</summary>
    public OutboxEntry CommandResult(CommandRecord command, CommandState state, DateTimeOffset at, string? result)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (serial, title) = Identify(command.Meter);
        var stateName = Kebab(state.ToString());
        var kindName = Kebab(command.Kind.ToString());
        var id = "command:" + command.Id.ToString() + ":" + stateName;
        return Entry(NorthboundMessageType.Command, "command." + stateName + "." + kindName, id, at, serial, title, json =>
        {
            json.WriteStartObject("command");
            json.WriteNumber("id", command.Id.Value);
            json.WriteString("kind", kindName);
            json.WriteString("state", stateName);
            json.WriteString("requestedBy", command.RequestedBy);
            json.WriteString("requestedAt", Iso(command.RequestedAt));
            if (command.SentAt is { } sentAt)
            {
                json.WriteString("sentAt", Iso(sentAt));
            }

            json.WriteString("completedAt", Iso(at));
            WriteResult(json, result ?? command.Result);
            json.WriteEndObject();
        });
    }

    /// <summary>
    /// An analytics alert (docs/analytics.md) opened or changed state: routing key <c>alert.{category}.{serial}</c>, id
    /// <c>alert:{id}:{state}</c> (so a state reached twice is one message).
    /// </summary>
    public OutboxEntry AnalyticsAlert(Analytics.Alert alert, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var (serial, title) = Identify(alert.Meter);
        var stateName = Kebab(alert.State.ToString());
        var id = "alert:" + alert.Id.ToString() + ":" + stateName;
        return Entry(NorthboundMessageType.Alert, "alert." + Word(alert.Category) + "." + Word(serial), id, createdAt, serial, title, json =>
        {
            json.WriteString("category", alert.Category);
            json.WriteStartObject("alert");
            json.WriteNumber("id", alert.Id.Value);
            json.WriteString("rule", alert.RuleId);
            json.WriteString("severity", Kebab(alert.Severity.ToString()));
            json.WriteNumber("confidence", alert.Confidence);
            json.WriteString("state", stateName);
            json.WriteString("summary", alert.Summary);
            json.WriteString("firstSeen", Iso(alert.FirstSeen));
            json.WriteString("lastSeen", Iso(alert.LastSeen));
            json.WriteNumber("occurrences", alert.Occurrences);
            json.WriteStartArray("evidence");
            foreach (var item in alert.Evidence)
            {
                json.WriteStartObject();
                json.WriteString("time", Iso(item.Time));
                json.WriteString("kind", item.Kind);
                json.WriteString("name", item.Name);
                if (item.Value is { } value)
                {
                    json.WriteNumber("value", value);
                }

                if (item.Unit is { Length: > 0 } unit)
                {
                    json.WriteString("unit", unit);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    /// <summary>UTC ISO 8601 with up to seven fractional digits, e.g. 2025-03-01T00:15:00Z.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A routing key word: '.', '*', '#' and anything outside printable ASCII become '_'.</summary>
    public static string Word(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = c is '.' or '*' or '#' or < '!' or > '~' ? '_' : c;
            }
        });
    }

    private (string Serial, string? SystemTitle) Identify(MeterId meter) =>
        directory.TryGet(meter, out var known) ? (known.Serial, known.SystemTitle.ToString()) : ("meter-" + meter.ToString(), null);

    private static OutboxEntry Entry(string type, string routingKey, string id, DateTimeOffset createdAt, string serial, string? systemTitle, Action<Utf8JsonWriter> body)
    {
        var (buffer, json) = _scratch ??= (new ArrayBufferWriter<byte>(1024), new Utf8JsonWriter(Stream.Null, WriterOptions));
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        json.WriteStartObject();
        json.WriteNumber("schema", SchemaVersion);
        json.WriteString("type", type);
        json.WriteString("messageId", id);
        json.WriteString("createdAt", Iso(createdAt));
        json.WriteStartObject("meter");
        json.WriteString("serial", serial);
        if (systemTitle is not null)
        {
            json.WriteString("systemTitle", systemTitle);
        }

        json.WriteEndObject();
        body(json);
        json.WriteEndObject();
        json.Flush();
        return new OutboxEntry(id.Length <= OutboxEntry.MaxMessageIdLength ? id : id[..OutboxEntry.MaxMessageIdLength], type, routingKey.Length <= OutboxEntry.MaxRoutingKeyLength ? routingKey : routingKey[..OutboxEntry.MaxRoutingKeyLength], createdAt, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    private static void WriteQuantity(Utf8JsonWriter json, Quantity quantity, double value)
    {
        json.WriteString("obis", quantity.Obis);
        json.WriteString("quantity", quantity.Name);
        json.WriteNumber("value", value);
        json.WriteString("unit", quantity.Unit);
    }

    private static void WriteValues(Utf8JsonWriter json, IReadOnlyList<RegisterValue> values)
    {
        json.WriteStartArray("values");
        foreach (var value in values)
        {
            json.WriteStartObject();
            WriteQuantity(json, value.Quantity, value.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteQuality(Utf8JsonWriter json, ReadingQuality quality)
    {
        json.WriteStartArray("quality");
        foreach (var (flag, name) in QualityNames)
        {
            if ((quality & flag) != 0)
            {
                json.WriteStringValue(name);
            }
        }

        json.WriteEndArray();
    }

    /// <summary>The command's result: embedded as JSON when it is JSON, otherwise as a string.</summary>
    private static void WriteResult(Utf8JsonWriter json, string? result)
    {
        if (result is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(result);
            json.WritePropertyName("result");
            document.RootElement.WriteTo(json);
        }
        catch (JsonException)
        {
            json.WriteString("result", result);
        }
    }

    /// <summary>128 bits of SHA-256 over the meter and each reading's time, quantity and value, as lowercase hex.</summary>
    private static string Digest(MeterId meter, List<IntervalReading> ordered)
    {
        const int perReading = 8 + 2 + 8 + 2;
        var length = 4 + (ordered.Count * perReading);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = rented.AsSpan(0, length);
            BinaryPrimitives.WriteInt32BigEndian(span, meter.Value);
            var offset = 4;
            foreach (var reading in ordered)
            {
                BinaryPrimitives.WriteInt64BigEndian(span[offset..], reading.Time.UtcTicks);
                BinaryPrimitives.WriteInt16BigEndian(span[(offset + 8)..], reading.Quantity.Code);
                BinaryPrimitives.WriteDoubleBigEndian(span[(offset + 10)..], reading.Value);
                BinaryPrimitives.WriteInt16BigEndian(span[(offset + 18)..], (short)reading.Quality);
                offset += perReading;
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(span, hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>TimedOut → timed-out, KeyRotation → key-rotation.</summary>
    private static string Kebab(string pascal)
    {
        var text = new StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    text.Append('-');
                }

                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
