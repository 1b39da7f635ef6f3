namespace Meterline.HeadEnd.Billing;

/// <summary>
/// Energy exported in a billing month in kWh (three decimals): in all, per tariff register of the time-of-use zones
/// (from the load profile's block export; <see cref="ZonesKnown"/> is false when there is no block export to classify),
/// and the surplus carried in from the previous month's bill under a net-metering tariff with carry-forward.
/// </summary>
public sealed record ExportEnergy(decimal TotalKwh, IReadOnlyDictionary<int, decimal> ZoneKwh, bool ZonesKnown, decimal CarriedInKwh)
{
    /// <summary>The kWh exported in one zone register, 0 when not known.</summary>
    public decimal InZone(int register) => ZoneKwh.GetValueOrDefault(register);
}
