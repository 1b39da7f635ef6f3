namespace Meterline.Meter.Metrology;

/// <summary>
/// Builds the appliance units of a household from its seed, appliance set and number of rooms: how many of each and
/// their ratings (drawn from ranges of common Indian household appliances at 230 V), power factors (resistive loads
/// 0.99, electronics about 0.9, motors and compressors 0.8–0.85, all lagging) and mean on/off durations.
/// </summary>
internal static class ApplianceCatalog
{
    private const ulong RatingStream = 0xA991_1A9C_E5EE_D001UL;

    /// <summary>The standby base load at nominal voltage, in watts, before scaling.</summary>
    public static double BaseLoadWatts(int seed, int rooms)
    {
        var random = new SimulationRandom(SimulationRandom.Hash((ulong)seed, RatingStream, 1));
        return 10 + (5 * rooms) + random.NextDouble(0, 15);
    }

    public const double BaseLoadPowerFactor = 0.9;

    public static ApplianceUnit[] Build(int seed, HouseholdAppliances appliances, int rooms)
    {
        var random = new SimulationRandom(SimulationRandom.Hash((ulong)seed, RatingStream, 2));
        var units = new List<ApplianceUnit>();
        if (appliances.HasFlag(HouseholdAppliances.Refrigerator))
        {
            units.Add(new(ApplianceKind.Refrigerator, random.NextDouble(90, 170), 0.8, 15, 25));
        }

        if (appliances.HasFlag(HouseholdAppliances.Lighting))
        {
            for (var i = 0; i <= rooms; i++)
            {
                units.Add(new(ApplianceKind.Light, random.NextDouble(15, 45), 0.92, 90, 60));
            }
        }

        if (appliances.HasFlag(HouseholdAppliances.WaterHeater))
        {
            var heaters = rooms >= 5 ? 2 : 1;
            for (var i = 0; i < heaters; i++)
            {
                units.Add(new(ApplianceKind.WaterHeater, random.NextDouble(1500, 3000), 0.99, 25, 60));
            }
        }

        if (appliances.HasFlag(HouseholdAppliances.AirConditioner))
        {
            // Average draw of 1–1.5 t split units while in use (the compressor cycles), inverter and fixed speed mixed.
            var count = rooms >= 4 ? 2 : 1;
            for (var i = 0; i < count; i++)
            {
                units.Add(new(ApplianceKind.AirConditioner, random.NextDouble(500, 1000), 0.85, 60, 45));
            }
        }

        if (appliances.HasFlag(HouseholdAppliances.RoomHeater))
        {
            var count = rooms >= 4 ? 2 : 1;
            for (var i = 0; i < count; i++)
            {
                units.Add(new(ApplianceKind.RoomHeater, random.NextDouble(800, 1500), 0.99, 30, 45));
            }
        }

        if (appliances.HasFlag(HouseholdAppliances.Cooking))
        {
            units.Add(new(ApplianceKind.Cooking, random.NextDouble(1000, 2000), 0.95, 8, 60));
        }

        if (appliances.HasFlag(HouseholdAppliances.Television))
        {
            units.Add(new(ApplianceKind.Television, random.NextDouble(50, 130), 0.9, 60, 120));
        }

        if (appliances.HasFlag(HouseholdAppliances.Fans))
        {
            for (var i = 0; i < rooms; i++)
            {
                units.Add(new(ApplianceKind.Fan, random.NextDouble(45, 75), 0.85, 90, 60));
            }
        }

        if (appliances.HasFlag(HouseholdAppliances.WashingMachine))
        {
            units.Add(new(ApplianceKind.WashingMachine, random.NextDouble(350, 600), 0.8, 70, 0));
        }

        if (appliances.HasFlag(HouseholdAppliances.WaterPump))
        {
            units.Add(new(ApplianceKind.WaterPump, random.NextDouble(370, 750), 0.8, 15, 300));
        }

        return [.. units];
    }
}
