namespace Meterline.Meter.Metrology;

/// <summary>
/// The parameters of a simulated household (<see cref="HouseholdLoadModel"/>): its seed, connected load, appliance
/// set and number of rooms. The connected load is the sum of the ratings of everything connected; the model scales
/// the seed's appliance ratings so that they add up to it (with <see cref="Typical"/> the scale is one).
/// </summary>
public sealed record HouseholdProfile
{
    /// <summary>The most rooms a profile may have (lights and fans are per room).</summary>
    public const int MaxRooms = 12;

    /// <summary>The largest connected load accepted, in kW (a single-phase whole-current service).</summary>
    public const double MaxConnectedLoadKw = 25;

    private const ulong TypicalStream = 0x7E1C_A1D0_0005_EED5UL;

    /// <param name="seed">Seeds the ratings and every random process of the household.</param>
    /// <param name="connectedLoadKw">The sum of appliance ratings including the base load, in kW, (0, 25].</param>
    /// <param name="appliances">The appliance set (a base load is always present).</param>
    /// <param name="rooms">Rooms, 1 to <see cref="MaxRooms"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter out of range.</exception>
    public HouseholdProfile(int seed, double connectedLoadKw, HouseholdAppliances appliances, int rooms)
    {
        if (!double.IsFinite(connectedLoadKw) || connectedLoadKw <= 0 || connectedLoadKw > MaxConnectedLoadKw)
        {
            throw new ArgumentOutOfRangeException(nameof(connectedLoadKw), connectedLoadKw, "The connected load is more than 0 and at most 25 kW");
        }

        if ((appliances & ~HouseholdAppliances.All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(appliances), appliances, "Unknown appliance flags");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(rooms, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rooms, MaxRooms);
        Seed = seed;
        ConnectedLoadKw = connectedLoadKw;
        Appliances = appliances;
        Rooms = rooms;
    }

    /// <summary>Seeds the ratings and every random process of the household.</summary>
    public int Seed { get; }

    /// <summary>The connected load: the sum of all appliance ratings and the base load, in kW.</summary>
    public double ConnectedLoadKw { get; }

    /// <summary>The appliance set.</summary>
    public HouseholdAppliances Appliances { get; }

    /// <summary>The number of rooms.</summary>
    public int Rooms { get; }

    /// <summary>
    /// A household drawn from <paramref name="seed"/>: about a third are one- or two-room flats (roughly 2–5 kWh a
    /// day), under half are medium homes of two to four rooms, a fifth are large houses of four to six rooms with
    /// several air conditioners (roughly 15–25 kWh a day in summer). Its connected load is the sum of the ratings.
    /// </summary>
    public static HouseholdProfile Typical(int seed)
    {
        var random = new SimulationRandom(SimulationRandom.Hash((ulong)seed, TypicalStream));
        var size = random.NextDouble();
        HouseholdAppliances appliances = HouseholdAppliances.Refrigerator | HouseholdAppliances.Lighting
            | HouseholdAppliances.Television | HouseholdAppliances.Fans;
        int rooms;
        if (size < 0.35)
        {
            rooms = random.NextInt(1, 2);
            appliances |= Maybe(ref random, 0.5, HouseholdAppliances.Cooking) | Maybe(ref random, 0.35, HouseholdAppliances.WaterHeater)
                | Maybe(ref random, 0.15, HouseholdAppliances.AirConditioner) | Maybe(ref random, 0.3, HouseholdAppliances.WashingMachine);
        }
        else if (size < 0.8)
        {
            rooms = random.NextInt(2, 4);
            appliances |= HouseholdAppliances.Cooking | Maybe(ref random, 0.8, HouseholdAppliances.WaterHeater)
                | Maybe(ref random, 0.6, HouseholdAppliances.AirConditioner) | Maybe(ref random, 0.3, HouseholdAppliances.RoomHeater)
                | Maybe(ref random, 0.7, HouseholdAppliances.WashingMachine) | Maybe(ref random, 0.3, HouseholdAppliances.WaterPump);
        }
        else
        {
            rooms = random.NextInt(4, 6);
            appliances |= HouseholdAppliances.Cooking | HouseholdAppliances.WaterHeater | HouseholdAppliances.AirConditioner
                | HouseholdAppliances.WashingMachine | Maybe(ref random, 0.6, HouseholdAppliances.RoomHeater)
                | Maybe(ref random, 0.7, HouseholdAppliances.WaterPump);
        }

        return new HouseholdProfile(seed, RatedLoadKw(seed, appliances, rooms), appliances, rooms);
    }

    /// <summary>The sum of the ratings the seed gives an appliance set, in kW: the unscaled connected load.</summary>
    public static double RatedLoadKw(int seed, HouseholdAppliances appliances, int rooms)
    {
        var watts = ApplianceCatalog.BaseLoadWatts(seed, rooms);
        foreach (var unit in ApplianceCatalog.Build(seed, appliances, rooms))
        {
            watts += unit.RatedWatts;
        }

        return watts / 1000;
    }

    private static HouseholdAppliances Maybe(ref SimulationRandom random, double probability, HouseholdAppliances appliance) =>
        random.NextDouble() < probability ? appliance : HouseholdAppliances.None;
}
