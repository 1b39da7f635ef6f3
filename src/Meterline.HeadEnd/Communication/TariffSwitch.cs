namespace Meterline.HeadEnd.Communication;

/// <summary>From <paramref name="Start"/> (meter local time of day) the meter registers energy in tariff zone <paramref name="Zone"/> (1 to 8).</summary>
public readonly record struct TariffSwitch(TimeOnly Start, int Zone);
