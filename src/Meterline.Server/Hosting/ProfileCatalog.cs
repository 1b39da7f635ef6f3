using System.Collections.Frozen;
using System.Globalization;
using Meterline.Dlms.Profiles;

namespace Meterline.Server.Hosting;

/// <summary>The meter profiles the head-end knows (from the profiles directory), for event names and object lists.</summary>
public sealed class ProfileCatalog
{
    private readonly FrozenDictionary<string, MeterProfile> _profiles;

    public ProfileCatalog(IEnumerable<MeterProfile> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        _profiles = profiles.ToFrozenDictionary(p => p.Id, StringComparer.Ordinal);
    }

    /// <summary>Loads every *.json profile of a directory; a bad file stops the start with its name.</summary>
    public static ProfileCatalog Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var profiles = new List<MeterProfile>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                profiles.Add(MeterProfile.Load(file));
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or IOException or System.Text.Json.JsonException)
            {
                throw new InvalidDataException($"Meter profile {file}: {e.Message}", e);
            }
        }

        return new ProfileCatalog(profiles);
    }

    public IEnumerable<MeterProfile> Profiles => _profiles.Values;

    public MeterProfile? Find(string? id) => id is not null && _profiles.TryGetValue(id, out var profile) ? profile : null;

    /// <summary>The profile's name for an event code, or "event N" when unknown.</summary>
    public string EventName(string? profileId, int code) =>
        code is >= 0 and <= ushort.MaxValue && Find(profileId)?.FindEvent((ushort)code) is { } known
            ? known.Name
            : "event " + code.ToString(CultureInfo.InvariantCulture);
}
