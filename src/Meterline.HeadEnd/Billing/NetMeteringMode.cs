namespace Meterline.HeadEnd.Billing;

/// <summary>How a tariff treats exported energy (1.0.2.8.0.255, block export 1.0.2.29.0.255).</summary>
public enum NetMeteringMode
{
    /// <summary>Export is credited at a rate per kWh, at most up to the month's energy charge.</summary>
    Credit = 0,

    /// <summary>Export is netted against import per time-of-use zone; the surplus is carried forward or lapses.</summary>
    Net = 1,
}
