using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// An on-demand read: registers now (<see cref="Quantities"/>, may be empty) and/or the block load profile entries
/// with clock in [<see cref="ProfileFrom"/>, <see cref="ProfileTo"/>] (both or neither). At least one of the two.
/// </summary>
public sealed record ReadParameters(IReadOnlyList<Quantity> Quantities, DateTimeOffset? ProfileFrom = null, DateTimeOffset? ProfileTo = null) : CommandParameters
{
    /// <summary>Most registers one read asks for.</summary>
    public const int MaxQuantities = 32;

    public override CommandKind Kind => CommandKind.Read;

    public bool HasProfileRange => ProfileFrom is not null && ProfileTo is not null;

    public bool Equals(ReadParameters? other) =>
        other is not null && Quantities.SequenceEqual(other.Quantities) && ProfileFrom == other.ProfileFrom && ProfileTo == other.ProfileTo;

    public override int GetHashCode() => HashCode.Combine(Quantities.Count, ProfileFrom, ProfileTo);
}
