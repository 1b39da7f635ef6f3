using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Profiles;

/// <summary>
/// A meter profile: the COSEM object model a family of meters shares, as data (profiles/*.json). The simulated meter
/// builds its objects from it and the head-end reads it to know what to ask for, so another profile (three-phase,
/// IDIS, DSMR) is a new file rather than new code. Loading validates everything: a profile that loads is
/// consistent.
/// </summary>
public sealed class MeterProfile
{
    /// <summary>The interface classes a profile may use (those the Meterline meter implements).</summary>
    public static readonly FrozenSet<ushort> SupportedClasses = new ushort[] { 1, 3, 4, 7, 8, 15, 20, 40, 64, 70, 71 }.ToFrozenSet();

    private readonly FrozenDictionary<ObisCode, ProfileObject> _objects;
    private readonly FrozenDictionary<ushort, ProfileEventCode> _events;

    private MeterProfile(string id, string name, DeviationConvention deviation, ImmutableArray<ProfileAssociation> associations, ImmutableArray<ProfileObject> objects, ImmutableArray<ProfileEventCode> eventCodes)
    {
        Id = id;
        Name = name;
        Deviation = deviation;
        Associations = associations;
        Objects = objects;
        EventCodes = eventCodes;
        _objects = objects.ToFrozenDictionary(o => o.LogicalName);
        _events = eventCodes.ToFrozenDictionary(e => e.Code);
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>The date-time deviation sign the profile's meters use.</summary>
    public DeviationConvention Deviation { get; }

    public ImmutableArray<ProfileAssociation> Associations { get; }

    public ImmutableArray<ProfileObject> Objects { get; }

    public ImmutableArray<ProfileEventCode> EventCodes { get; }

    /// <summary>The object with this logical name, if the profile has one.</summary>
    public ProfileObject? Find(ObisCode logicalName) => _objects.GetValueOrDefault(logicalName);

    /// <summary>The event with this code, if the profile defines it.</summary>
    public ProfileEventCode? FindEvent(ushort code) => _events.GetValueOrDefault(code);

    /// <summary>The association a client SAP reaches, if any.</summary>
    public ProfileAssociation? FindAssociation(int clientSap) => Associations.FirstOrDefault(a => a.ClientSap == clientSap);

    /// <summary>The objects in an association's object list.</summary>
    public IEnumerable<ProfileObject> ObjectListOf(string associationId) => Objects.Where(o => o.IsVisibleTo(associationId));

    /// <summary>Loads and validates a profile file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid profile; the message names the offending entry.</exception>
    public static MeterProfile Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Parses and validates a profile.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid profile; the message names the offending entry.</exception>
    public static MeterProfile Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip });
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The profile is not valid JSON: {e.Message}", e);
        }
    }

    private static MeterProfile Read(JsonElement root)
    {
        var id = RequiredString(root, "id", "profile");
        var name = RequiredString(root, "name", "profile");
        var deviation = RequiredString(root, "deviation", "profile") switch
        {
            "bluebook" => DeviationConvention.BlueBook,
            "local-minus-utc" => DeviationConvention.LocalMinusUtc,
            var other => throw new InvalidDataException($"profile.deviation '{other}' is neither bluebook nor local-minus-utc"),
        };

        var associations = Array(root, "associations", "profile").Select(ReadAssociation).ToImmutableArray();
        Unique(associations.Select(a => a.Id), "association id");
        Unique(associations.Select(a => a.ClientSap.ToString(CultureInfo.InvariantCulture)), "association client SAP");
        var known = associations.Select(a => a.Id).ToFrozenSet(StringComparer.Ordinal);
        var ciphered = associations.Where(a => a.Ciphered).Select(a => a.Id).ToFrozenSet(StringComparer.Ordinal);

        var objects = Array(root, "objects", "profile").Select(element => ReadObject(element, known, ciphered)).ToImmutableArray();
        Unique(objects.Select(o => o.LogicalName.ToString()), "object logical name");
        foreach (var association in associations)
        {
            if (!objects.Any(o => o.ClassId == 15 && o.LogicalName == association.LogicalName))
            {
                throw new InvalidDataException($"Association '{association.Id}' has no Association LN object {association.LogicalName}");
            }
        }

        var events = Array(root, "eventCodes", "profile").Select(ReadEvent).ToImmutableArray();
        Unique(events.Select(e => e.Code.ToString(CultureInfo.InvariantCulture)), "event code");
        return new MeterProfile(id, name, deviation, associations, objects, events);
    }

    private static ProfileAssociation ReadAssociation(JsonElement element)
    {
        var id = RequiredString(element, "id", "association");
        var where = $"association '{id}'";
        var mechanism = RequiredString(element, "mechanism", where) switch
        {
            "lowest" => AuthenticationMechanism.Lowest,
            "low" => AuthenticationMechanism.Low,
            "high-gmac" => AuthenticationMechanism.HighGmac,
            "high-ecdsa" => AuthenticationMechanism.HighEcdsa,
            var other => throw new InvalidDataException($"{where}: unknown mechanism '{other}'"),
        };
        var sap = RequiredInt(element, "clientSap", where, 1, 0x7F);
        var ciphered = element.TryGetProperty("ciphered", out var c) && c.ValueKind == JsonValueKind.True;
        return new ProfileAssociation(id, Obis(element, "logicalName", where), sap, mechanism, ciphered);
    }

    private static ProfileObject ReadObject(JsonElement element, FrozenSet<string> associations, FrozenSet<string> ciphered)
    {
        var logicalName = Obis(element, "logicalName", "object");
        var where = $"object {logicalName}";
        var classId = (ushort)RequiredInt(element, "classId", where, 1, ushort.MaxValue);
        if (!SupportedClasses.Contains(classId))
        {
            throw new InvalidDataException($"{where}: interface class {classId} is not one the meter implements");
        }

        var version = element.TryGetProperty("version", out var v) ? (byte)Math.Clamp(v.GetInt32(), 0, 255) : (byte)0;
        var name = RequiredString(element, "name", where);
        var read = Names(element, "read", where, associations);
        var write = IndexedNames(element, "write", where, associations);
        var methods = IndexedNames(element, "methods", where, associations);
        var signedWrite = SignedNames(element, "signedWrite", "write", write, where, associations, ciphered);
        var signedMethods = SignedNames(element, "signedMethods", "methods", methods, where, associations, ciphered);
        string? quantity = element.TryGetProperty("quantity", out var q) ? q.GetString() : null;
        ScalerUnit? scalerUnit = null;
        if (element.TryGetProperty("unit", out var unitElement))
        {
            if (classId is not (3 or 4))
            {
                throw new InvalidDataException($"{where}: only registers (class 3 and 4) have a scaler and unit");
            }

            if (!Enum.TryParse<Unit>(unitElement.GetString(), ignoreCase: false, out var unit) || !Enum.IsDefined(unit))
            {
                throw new InvalidDataException($"{where}: unknown unit '{unitElement.GetString()}'");
            }

            scalerUnit = new ScalerUnit((sbyte)RequiredInt(element, "scaler", where, sbyte.MinValue, sbyte.MaxValue), unit);
        }
        else if (classId is 3 or 4)
        {
            throw new InvalidDataException($"{where}: a register needs a unit and scaler");
        }

        return new ProfileObject(logicalName, classId, version, name, read, write, methods, quantity, scalerUnit)
        {
            SignedWrite = signedWrite,
            SignedMethods = signedMethods,
        };
    }

    /// <summary>
    /// A signature requirement (signedWrite, signedMethods): each entry names an index and associations that already
    /// have the right (in <paramref name="rights"/>), and only ciphered associations, since a signature without
    /// ciphering is refused (nothing would detect its replay).
    /// </summary>
    private static ImmutableDictionary<sbyte, ImmutableArray<string>> SignedNames(
        JsonElement element,
        string property,
        string rightsProperty,
        ImmutableDictionary<sbyte, ImmutableArray<string>> rights,
        string where,
        FrozenSet<string> associations,
        FrozenSet<string> ciphered)
    {
        var signed = IndexedNames(element, property, where, associations);
        foreach (var (index, names) in signed)
        {
            foreach (var name in names)
            {
                if (!rights.TryGetValue(index, out var holders) || !holders.Contains(name, StringComparer.Ordinal))
                {
                    throw new InvalidDataException($"{where}.{property}: association '{name}' has no {rightsProperty} right on {index}");
                }

                if (!ciphered.Contains(name))
                {
                    throw new InvalidDataException($"{where}.{property}: association '{name}' is not ciphered, so it cannot carry signed requests");
                }
            }
        }

        return signed;
    }

    private static ProfileEventCode ReadEvent(JsonElement element)
    {
        var code = (ushort)RequiredInt(element, "code", "event", 1, ushort.MaxValue);
        var where = $"event {code}";
        return new ProfileEventCode(code, (byte)RequiredInt(element, "group", where, 0, 6), RequiredString(element, "name", where));
    }

    private static ImmutableArray<string> Names(JsonElement element, string property, string where, FrozenSet<string> associations)
    {
        if (!element.TryGetProperty(property, out var list))
        {
            return [];
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{where}.{property} must be an array of association ids");
        }

        var names = list.EnumerateArray().Select(n => n.GetString() ?? string.Empty).ToImmutableArray();
        foreach (var n in names)
        {
            if (!associations.Contains(n))
            {
                throw new InvalidDataException($"{where}.{property}: unknown association '{n}'");
            }
        }

        return names;
    }

    private static ImmutableDictionary<sbyte, ImmutableArray<string>> IndexedNames(JsonElement element, string property, string where, FrozenSet<string> associations)
    {
        if (!element.TryGetProperty(property, out var map))
        {
            return ImmutableDictionary<sbyte, ImmutableArray<string>>.Empty;
        }

        if (map.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where}.{property} must map attribute or method indexes to association ids");
        }

        var builder = ImmutableDictionary.CreateBuilder<sbyte, ImmutableArray<string>>();
        foreach (var entry in map.EnumerateObject())
        {
            if (!sbyte.TryParse(entry.Name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) || index == 0)
            {
                throw new InvalidDataException($"{where}.{property}: '{entry.Name}' is not an attribute or method index");
            }

            builder[index] = Names(map, entry.Name, $"{where}.{property}", associations);
        }

        return builder.ToImmutable();
    }

    private static IEnumerable<JsonElement> Array(JsonElement element, string property, string where) =>
        element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToArray()
            : throw new InvalidDataException($"{where}.{property} must be an array");

    private static string RequiredString(JsonElement element, string property, string where) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new InvalidDataException($"{where}.{property} is required");

    private static int RequiredInt(JsonElement element, string property, string where, int min, int max) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max
            ? number
            : throw new InvalidDataException($"{where}.{property} must be a whole number from {min} to {max}");

    private static ObisCode Obis(JsonElement element, string property, string where)
    {
        var text = RequiredString(element, property, where);
        return ObisCode.TryParse(text, out var obis) ? obis : throw new InvalidDataException($"{where}.{property} '{text}' is not an OBIS code");
    }

    private static void Unique(IEnumerable<string> values, string what)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!seen.Add(value))
            {
                throw new InvalidDataException($"Duplicate {what} '{value}'");
            }
        }
    }
}
