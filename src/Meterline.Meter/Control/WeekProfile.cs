using System.Collections.Immutable;
using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Control;

/// <summary>
/// week_profile (Blue Book 4.5.5, class 20 week_profile_table): structure {week_profile_name octet-string, monday
/// … sunday day_id unsigned}. <see cref="DayIds"/> holds the seven day_ids, Monday first.
/// </summary>
public sealed record WeekProfile(ReadOnlyMemory<byte> Name, ImmutableArray<byte> DayIds)
{
    /// <summary>True when the name fits and there are seven day_ids.</summary>
    public bool IsValid => Name.Length <= OctetNames.MaxLength && !DayIds.IsDefault && DayIds.Length == 7;

    /// <summary>The day_id for <paramref name="day"/>.</summary>
    public byte DayIdFor(DayOfWeek day) => DayIds[day == DayOfWeek.Sunday ? 6 : (int)day - 1];

    public CosemData ToData()
    {
        var items = ImmutableArray.CreateBuilder<CosemData>(8);
        items.Add(new CosemData.OctetString(Name));
        foreach (var id in DayIds)
        {
            items.Add(new CosemData.Unsigned(id));
        }

        return new CosemData.Structure(items.MoveToImmutable());
    }

    public bool Equals(WeekProfile? other) =>
        other is not null && OctetNames.Same(Name, other.Name) && DayIds.AsSpan().SequenceEqual(other.DayIds.AsSpan());

    public override int GetHashCode()
    {
        var hash = new HashCode();
        OctetNames.Add(ref hash, Name);
        hash.AddBytes(DayIds.AsSpan());
        return hash.ToHashCode();
    }
}
