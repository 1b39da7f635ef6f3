using System.Globalization;

namespace Meterline.Web.Portal;

/// <summary>Money and energy as the portal shows them (invariant culture, units named).</summary>
public static class PortalFormat
{
    public static string Money(decimal amount, string currency) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture) + " " + currency;

    public static string Kwh(decimal kwh) => kwh.ToString("#,##0.###", CultureInfo.InvariantCulture) + " kWh";
}
