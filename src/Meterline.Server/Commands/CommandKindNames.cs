using Meterline.HeadEnd.Commands;

namespace Meterline.Server.Commands;

/// <summary>The API's names of command kinds: read, connect, disconnect, timeSync, activityCalendar, keyRotation, loadLimit.</summary>
public static class CommandKindNames
{
    private static readonly (CommandKind Kind, string Name)[] Names =
    [
        (CommandKind.Read, "read"),
        (CommandKind.Connect, "connect"),
        (CommandKind.Disconnect, "disconnect"),
        (CommandKind.TimeSync, "timeSync"),
        (CommandKind.ActivityCalendar, "activityCalendar"),
        (CommandKind.KeyRotation, "keyRotation"),
        (CommandKind.LoadLimit, "loadLimit"),
    ];

    /// <summary>Every name, in the order of the kinds.</summary>
    public static IEnumerable<string> All => Names.Select(n => n.Name);

    public static string Name(CommandKind kind) => Names.FirstOrDefault(n => n.Kind == kind).Name ?? kind.ToString();

    /// <summary>Parses a name, ignoring case; the audit log's kebab-case names (time-sync) are accepted too.</summary>
    public static bool TryParse(string? text, out CommandKind kind)
    {
        kind = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var compact = text.Replace("-", string.Empty, StringComparison.Ordinal);
        foreach (var (candidate, name) in Names)
        {
            if (string.Equals(name, compact, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        return false;
    }
}
