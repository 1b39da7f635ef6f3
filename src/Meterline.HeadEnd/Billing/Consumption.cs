namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Energy imported in a billing month, in kWh to three decimal places (the meter's Wh resolution): in all, and per
/// tariff register (1 to 8, 1.0.1.8.z.255) for the time-of-use zones.
/// </summary>
public sealed record Consumption(decimal TotalKwh, IReadOnlyDictionary<int, decimal> ZoneKwh)
{
    public const int KwhDecimals = 3;

    /// <summary>The month's recorded maximum demand, when the tariff has a demand charge and the data gives one.</summary>
    public MaximumDemand? Demand { get; init; }

    /// <summary>The month's export, when the tariff meters it (net metering).</summary>
    public ExportEnergy? Export { get; init; }

    /// <summary>No zone figures: time-of-use adjustments are not applied.</summary>
    public static Consumption Of(decimal totalKwh) => new(totalKwh, new Dictionary<int, decimal>());

    /// <summary>The kWh of one zone register, 0 when not known.</summary>
    public decimal InZone(int register) => ZoneKwh.GetValueOrDefault(register);
}
