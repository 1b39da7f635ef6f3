using System.Globalization;
using Meterline.HeadEnd.Readings;

namespace Meterline.Web.Shell;

/// <summary>Numbers with their units, in the invariant culture: energy in Wh, kWh or MWh; everything else in the quantity's own unit.</summary>
public static class Units
{
    public static string Energy(double wattHours) => Math.Abs(wattHours) switch
    {
        >= 1_000_000 => (wattHours / 1_000_000).ToString("0.###", CultureInfo.InvariantCulture) + " MWh",
        >= 1_000 => (wattHours / 1_000).ToString("0.###", CultureInfo.InvariantCulture) + " kWh",
        _ => wattHours.ToString("0.#", CultureInfo.InvariantCulture) + " Wh",
    };

    public static string Value(Quantity quantity, double value) => quantity.Unit switch
    {
        "Wh" => Energy(value),
        "" => value.ToString("0.###", CultureInfo.InvariantCulture),
        var unit => value.ToString("0.##", CultureInfo.InvariantCulture) + " " + unit,
    };

    public static string Rate(double perSecond, string what) => perSecond.ToString("0.#", CultureInfo.InvariantCulture) + " " + what + "/s";

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double fraction) => (fraction * 100).ToString("0", CultureInfo.InvariantCulture) + " %";
}
