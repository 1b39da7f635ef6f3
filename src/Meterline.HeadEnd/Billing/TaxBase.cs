namespace Meterline.HeadEnd.Billing;

/// <summary>What a tax is levied on.</summary>
public enum TaxBase
{
    /// <summary>A percentage of the energy charge (slabs plus time-of-use adjustments), e.g. electricity duty.</summary>
    EnergyCharge = 0,

    /// <summary>A percentage of the subtotal (energy charge plus fixed charge), before any tax.</summary>
    Subtotal = 1,

    /// <summary>An amount per kWh consumed.</summary>
    PerKwh = 2,
}
