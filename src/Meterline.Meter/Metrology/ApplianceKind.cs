namespace Meterline.Meter.Metrology;

/// <summary>The kind of one simulated appliance unit; decides its daily, weekly and seasonal behaviour.</summary>
internal enum ApplianceKind
{
    Refrigerator,
    Light,
    WaterHeater,
    AirConditioner,
    RoomHeater,
    Cooking,
    Television,
    Fan,
    WashingMachine,
    WaterPump,
}
