namespace Meterline.HeadEnd.Access;

/// <summary>The lower-case names of roles (in the API, the CLI and the database), and role lists as comma-separated text.</summary>
public static class AccessRoleNames
{
    public static string Name(this AccessRole role) => role switch
    {
        AccessRole.Viewer => "viewer",
        AccessRole.Operator => "operator",
        AccessRole.Admin => "admin",
        AccessRole.Auditor => "auditor",
        AccessRole.Consumer => "consumer",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    public static bool TryParse(string? name, out AccessRole role)
    {
        foreach (var candidate in Enum.GetValues<AccessRole>())
        {
            if (string.Equals(candidate.Name(), name, StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }

        role = default;
        return false;
    }

    /// <summary>Distinct roles in enum order as "viewer,operator".</summary>
    public static string Join(IEnumerable<AccessRole> roles) => string.Join(',', roles.Distinct().Order().Select(Name));

    /// <summary>Parses "viewer,operator" (no blanks); false on an empty list or an unknown name.</summary>
    public static bool TryParseList(string? text, out IReadOnlyList<AccessRole> roles)
    {
        roles = [];
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var parsed = new List<AccessRole>();
        foreach (var part in text.Split(','))
        {
            if (!TryParse(part, out var role))
            {
                return false;
            }

            parsed.Add(role);
        }

        roles = [.. parsed.Distinct().Order()];
        return true;
    }
}
