using Meterline.HeadEnd.Audit;

namespace Meterline.Web.Audit;

/// <summary>Which audit entries the audit page shows: every condition given must hold.</summary>
/// <param name="Actor">The actor, exactly.</param>
/// <param name="ActionPrefix">The start of the action, e.g. <c>access.user</c>.</param>
/// <param name="From">At or after.</param>
/// <param name="To">Before.</param>
public sealed record AuditFilter(string? Actor, string? ActionPrefix, DateTimeOffset? From, DateTimeOffset? To)
{
    public bool Matches(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return (Actor is null || string.Equals(record.Actor, Actor, StringComparison.Ordinal))
            && (ActionPrefix is null || record.Action.StartsWith(ActionPrefix, StringComparison.Ordinal))
            && (From is null || record.At >= From)
            && (To is null || record.At < To);
    }
}
