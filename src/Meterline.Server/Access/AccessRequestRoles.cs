using Meterline.HeadEnd.Access;

namespace Meterline.Server.Access;

/// <summary>Reads role names from a request body.</summary>
public static class AccessRequestRoles
{
    public static bool TryParse(IReadOnlyList<string>? names, out IReadOnlyList<AccessRole> roles)
    {
        roles = [];
        if (names is null || names.Count is 0 or > 5)
        {
            return false;
        }

        var parsed = new List<AccessRole>();
        foreach (var name in names)
        {
            if (!AccessRoleNames.TryParse(name, out var role))
            {
                return false;
            }

            parsed.Add(role);
        }

        roles = parsed;
        return true;
    }
}
