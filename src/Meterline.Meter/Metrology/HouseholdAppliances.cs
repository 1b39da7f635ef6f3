namespace Meterline.Meter.Metrology;

/// <summary>
/// The appliance set of a household (<see cref="HouseholdProfile.Appliances"/>). A base load (standby, router,
/// chargers) is always present. Counts (lights and fans per room, air conditioners, heaters) come from
/// <see cref="HouseholdProfile.Rooms"/> and the seed.
/// </summary>
[Flags]
public enum HouseholdAppliances
{
    /// <summary>Only the base load.</summary>
    None = 0,

    /// <summary>A refrigerator whose compressor cycles all day, longer in hot weather.</summary>
    Refrigerator = 1 << 0,

    /// <summary>LED lighting, one circuit per room plus one, used when dark and awake.</summary>
    Lighting = 1 << 1,

    /// <summary>A storage water heater (geyser): morning and evening use, mostly in winter.</summary>
    WaterHeater = 1 << 2,

    /// <summary>Air conditioners: summer afternoons and nights, peaking April–June.</summary>
    AirConditioner = 1 << 3,

    /// <summary>Resistive room heaters: winter evenings, nights and mornings, December–February.</summary>
    RoomHeater = 1 << 4,

    /// <summary>Electric cooking (induction, kettle, microwave): breakfast, lunch and dinner peaks.</summary>
    Cooking = 1 << 5,

    /// <summary>A television, evenings and weekends.</summary>
    Television = 1 << 6,

    /// <summary>Ceiling fans, one per room, from March to October, day and night.</summary>
    Fans = 1 << 7,

    /// <summary>A washing machine, one morning run on some days, more often at weekends.</summary>
    WashingMachine = 1 << 8,

    /// <summary>A water pump filling the roof tank, early morning and early evening.</summary>
    WaterPump = 1 << 9,

    /// <summary>Every appliance above.</summary>
    All = (1 << 10) - 1,
}
