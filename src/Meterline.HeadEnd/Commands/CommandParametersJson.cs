using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// The JSON form of <see cref="CommandParameters"/> as stored in <see cref="CommandRecord.Parameters"/>:
/// read <c>{"quantities":["1.0.1.8.0.255"],"profile":{"from":"…","to":"…"}}</c> (either part may be absent);
/// activity calendar <c>{"name":"TOU","switches":[{"start":"06:00","zone":2}],"activateAt":"…"}</c>; load limit
/// <c>{"normal":5000,"emergency":2000,"minOverSeconds":60,"minUnderSeconds":30,"unit":"W",
/// "emergencyProfile":{"id":1,"activateAt":"…","durationSeconds":7200}}</c> (emergency, unit and emergencyProfile
/// optional) or <c>{"read":true}</c>; the other kinds
/// <c>{}</c>. Times are ISO 8601 with offset. Decoding checks shape only (ranges are the service's job) and refuses
/// anything else with <see cref="CommandRejection.InvalidParameters"/>.
/// </summary>
public static class CommandParametersJson
{
    private const int MaxDepth = 8;

    public static string Encode(CommandParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            switch (parameters)
            {
                case ReadParameters read:
                    writer.WriteStartArray("quantities");
                    foreach (var quantity in read.Quantities)
                    {
                        writer.WriteStringValue(quantity.Obis);
                    }

                    writer.WriteEndArray();
                    if (read.HasProfileRange)
                    {
                        writer.WriteStartObject("profile");
                        writer.WriteString("from", read.ProfileFrom!.Value);
                        writer.WriteString("to", read.ProfileTo!.Value);
                        writer.WriteEndObject();
                    }

                    break;
                case ActivityCalendarParameters calendar:
                    writer.WriteString("name", calendar.Calendar.Name);
                    writer.WriteStartArray("switches");
                    foreach (var change in calendar.Calendar.Switches)
                    {
                        writer.WriteStartObject();
                        writer.WriteString("start", change.Start.ToString("HH:mm", CultureInfo.InvariantCulture));
                        writer.WriteNumber("zone", change.Zone);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndArray();
                    writer.WriteString("activateAt", calendar.Calendar.ActivateAt);
                    break;
                case LoadLimitParameters { Settings: null } readOnly:
                    writer.WriteBoolean("read", true);
                    if (readOnly.Unit is { } readUnit)
                    {
                        writer.WriteString("unit", readUnit);
                    }

                    break;
                case LoadLimitParameters { Settings: { } limiter } limit:
                    writer.WriteNumber("normal", limiter.NormalThreshold);
                    writer.WriteNumber("emergency", limiter.EmergencyThreshold);
                    writer.WriteNumber("minOverSeconds", limiter.MinOverThresholdDuration);
                    writer.WriteNumber("minUnderSeconds", limiter.MinUnderThresholdDuration);
                    if (limit.Unit is { } unit)
                    {
                        writer.WriteString("unit", unit);
                    }

                    if (limiter.EmergencyProfile is { } profile)
                    {
                        writer.WriteStartObject("emergencyProfile");
                        writer.WriteNumber("id", profile.Id);
                        writer.WriteString("activateAt", profile.ActivationTime);
                        writer.WriteNumber("durationSeconds", (long)profile.Duration.TotalSeconds);
                        writer.WriteEndObject();
                    }

                    break;
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <exception cref="CommandRejectedException">The JSON does not have the kind's shape (<see cref="CommandRejection.InvalidParameters"/>).</exception>
    public static CommandParameters Decode(CommandKind kind, string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > CommandRecord.MaxParametersLength)
        {
            throw Invalid($"Parameters are at most {CommandRecord.MaxParametersLength} characters.");
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Parameters are a JSON object.");
            }

            return kind switch
            {
                CommandKind.Read => DecodeRead(root),
                CommandKind.Connect => Empty(root, new ConnectParameters()),
                CommandKind.Disconnect => Empty(root, new DisconnectParameters()),
                CommandKind.TimeSync => Empty(root, new TimeSyncParameters()),
                CommandKind.KeyRotation => Empty(root, new KeyRotationParameters()),
                CommandKind.ActivityCalendar => DecodeCalendar(root),
                CommandKind.LoadLimit => DecodeLoadLimit(root),
                _ => throw Invalid($"Unknown command kind {(int)kind}."),
            };
        }
        catch (JsonException e)
        {
            throw Invalid($"Parameters are not valid JSON: {e.Message}");
        }
    }

    private static CommandParameters Empty(JsonElement root, CommandParameters parameters)
    {
        foreach (var property in root.EnumerateObject())
        {
            throw Invalid($"A {parameters.Kind} command takes no parameters (got \"{Short(property.Name)}\").");
        }

        return parameters;
    }

    private static ReadParameters DecodeRead(JsonElement root)
    {
        var quantities = new List<Quantity>();
        DateTimeOffset? from = null;
        DateTimeOffset? to = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "quantities":
                    if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() > ReadParameters.MaxQuantities)
                    {
                        throw Invalid($"\"quantities\" is an array of at most {ReadParameters.MaxQuantities} OBIS codes.");
                    }

                    foreach (var item in property.Value.EnumerateArray())
                    {
                        if (item.ValueKind != JsonValueKind.String || !Quantity.TryFromObis(item.GetString()!, out var quantity))
                        {
                            throw Invalid($"\"{Short(item.ToString())}\" is not the OBIS code of a quantity the head-end stores.");
                        }

                        quantities.Add(quantity);
                    }

                    break;
                case "profile":
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        throw Invalid("\"profile\" is an object with \"from\" and \"to\".");
                    }

                    foreach (var bound in property.Value.EnumerateObject())
                    {
                        switch (bound.Name)
                        {
                            case "from":
                                from = Time(bound.Value, "profile.from");
                                break;
                            case "to":
                                to = Time(bound.Value, "profile.to");
                                break;
                            default:
                                throw Invalid($"Unknown field \"profile.{Short(bound.Name)}\".");
                        }
                    }

                    if (from is null || to is null)
                    {
                        throw Invalid("\"profile\" needs both \"from\" and \"to\".");
                    }

                    break;
                default:
                    throw Invalid($"Unknown field \"{Short(property.Name)}\" of a read.");
            }
        }

        return new ReadParameters(quantities, from, to);
    }

    private static ActivityCalendarParameters DecodeCalendar(JsonElement root)
    {
        string? name = null;
        DateTimeOffset? activateAt = null;
        List<TariffSwitch>? switches = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "name":
                    name = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw Invalid("\"name\" is a string.");
                    break;
                case "activateAt":
                    activateAt = Time(property.Value, "activateAt");
                    break;
                case "switches":
                    if (property.Value.ValueKind != JsonValueKind.Array || property.Value.GetArrayLength() > TariffCalendar.MaxSwitches)
                    {
                        throw Invalid($"\"switches\" is an array of at most {TariffCalendar.MaxSwitches} switches.");
                    }

                    switches = [];
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        switches.Add(Switch(item));
                    }

                    break;
                default:
                    throw Invalid($"Unknown field \"{Short(property.Name)}\" of an activity calendar.");
            }
        }

        if (name is null || activateAt is null || switches is null)
        {
            throw Invalid("An activity calendar needs \"name\", \"switches\" and \"activateAt\".");
        }

        return new ActivityCalendarParameters(new TariffCalendar(name, switches, activateAt.Value));
    }

    private static LoadLimitParameters DecodeLoadLimit(JsonElement root)
    {
        bool? read = null;
        uint? normal = null;
        uint? emergency = null;
        uint? minOver = null;
        uint? minUnder = null;
        string? unit = null;
        LimiterEmergencyProfile? profile = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "read":
                    read = property.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? property.Value.GetBoolean() : throw Invalid("\"read\" is true or false.");
                    break;
                case "normal":
                    normal = Whole(property.Value, "normal", LoadLimitParameters.MaxThreshold, "W or VA");
                    break;
                case "emergency":
                    emergency = Whole(property.Value, "emergency", LoadLimitParameters.MaxThreshold, "W or VA");
                    break;
                case "minOverSeconds":
                    minOver = Whole(property.Value, "minOverSeconds", LoadLimitParameters.MaxDurationSeconds, "seconds");
                    break;
                case "minUnderSeconds":
                    minUnder = Whole(property.Value, "minUnderSeconds", LoadLimitParameters.MaxDurationSeconds, "seconds");
                    break;
                case "unit":
                    unit = property.Value.ValueKind == JsonValueKind.String && LoadLimitParameters.Units.Contains(property.Value.GetString())
                        ? property.Value.GetString()
                        : throw Invalid($"\"unit\" is one of {string.Join(", ", LoadLimitParameters.Units)} (the unit of the meter's monitored value).");
                    break;
                case "emergencyProfile":
                    profile = EmergencyProfile(property.Value);
                    break;
                default:
                    throw Invalid($"Unknown field \"{Short(property.Name)}\" of a load limit.");
            }
        }

        if (read == true)
        {
            return normal is null && emergency is null && minOver is null && minUnder is null && profile is null
                ? new LoadLimitParameters(null, unit)
                : throw Invalid("A load limit read (\"read\": true) takes no settings.");
        }

        if (normal is null || minOver is null || minUnder is null)
        {
            throw Invalid("A load limit needs \"normal\", \"minOverSeconds\" and \"minUnderSeconds\" (or \"read\": true).");
        }

        if (profile is not null && emergency is null)
        {
            throw Invalid("An emergency profile needs the \"emergency\" threshold it puts in force.");
        }

        return new LoadLimitParameters(new LimiterSettings(normal.Value, emergency ?? 0, minOver.Value, minUnder.Value, profile), unit);
    }

    private static LimiterEmergencyProfile EmergencyProfile(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("\"emergencyProfile\" is an object with \"id\", \"activateAt\" and \"durationSeconds\".");
        }

        uint? id = null;
        DateTimeOffset? activateAt = null;
        uint? duration = null;
        foreach (var property in value.EnumerateObject())
        {
            switch (property.Name)
            {
                case "id":
                    id = Whole(property.Value, "emergencyProfile.id", ushort.MaxValue, "(an emergency profile id)");
                    if (id == 0)
                    {
                        throw Invalid("\"emergencyProfile.id\" is 1 to 65535.");
                    }

                    break;
                case "activateAt":
                    activateAt = Time(property.Value, "emergencyProfile.activateAt");
                    break;
                case "durationSeconds":
                    duration = Whole(property.Value, "emergencyProfile.durationSeconds", (uint)LoadLimitParameters.MaxEmergencyDuration.TotalSeconds, "seconds");
                    if (duration < LoadLimitParameters.MinEmergencyDuration.TotalSeconds)
                    {
                        throw Invalid(string.Create(CultureInfo.InvariantCulture, $"\"emergencyProfile.durationSeconds\" is {LoadLimitParameters.MinEmergencyDuration.TotalSeconds:0} to {LoadLimitParameters.MaxEmergencyDuration.TotalSeconds:0} seconds."));
                    }

                    break;
                default:
                    throw Invalid($"Unknown field \"emergencyProfile.{Short(property.Name)}\".");
            }
        }

        return id is { } i && activateAt is { } at && duration is { } d
            ? new LimiterEmergencyProfile((ushort)i, at, TimeSpan.FromSeconds(d))
            : throw Invalid("\"emergencyProfile\" needs \"id\", \"activateAt\" and \"durationSeconds\".");
    }

    private static uint Whole(JsonElement value, string field, uint max, string unit) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0 && number <= max
            ? (uint)number
            : throw Invalid(string.Create(CultureInfo.InvariantCulture, $"\"{field}\" is a whole number from 0 to {max} {unit}."));

    private static TariffSwitch Switch(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("A switch is an object with \"start\" (HH:mm) and \"zone\".");
        }

        TimeOnly? start = null;
        int? zone = null;
        foreach (var property in item.EnumerateObject())
        {
            switch (property.Name)
            {
                case "start" when property.Value.ValueKind == JsonValueKind.String
                    && TimeOnly.TryParseExact(property.Value.GetString(), "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time):
                    start = time;
                    break;
                case "zone" when property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var z):
                    zone = z;
                    break;
                default:
                    throw Invalid($"Bad switch field \"{Short(property.Name)}\": \"start\" is HH:mm, \"zone\" an integer.");
            }
        }

        return start is { } s && zone is { } n ? new TariffSwitch(s, n) : throw Invalid("A switch needs \"start\" and \"zone\".");
    }

    private static DateTimeOffset Time(JsonElement value, string field) =>
        value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time
            : throw Invalid($"\"{field}\" is an ISO 8601 date-time with offset.");

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static CommandRejectedException Invalid(string message) => new(CommandRejection.InvalidParameters, message);
}
