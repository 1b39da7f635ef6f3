using Meterline.HeadEnd.Billing;

namespace Meterline.Server.Billing;

/// <summary>A tariff as the API shows it, in the terms of the tariff file (docs/billing.md).</summary>
public sealed record TariffResponse(string Id, string Name, string Currency, string TimeZone, IReadOnlyList<TariffVersionResponse> Versions, IReadOnlyList<string> Consumers, bool IsDefault)
{
    public static TariffResponse From(Tariff tariff, TariffCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        ArgumentNullException.ThrowIfNull(catalog);
        return new TariffResponse(
            tariff.Id, tariff.Name, tariff.Currency, tariff.TimeZoneId,
            [.. tariff.Versions.Select(v => new TariffVersionResponse(
                v.Label,
                v.Rounding == MidpointRounding.AwayFromZero ? "halfAwayFromZero" : "halfEven",
                v.Slabs,
                [.. v.Zones.Select(z => new TariffZoneResponse(z.Name, z.Register, [.. z.Windows.Select(w => w.ToString())],
                    z.Kind == TouAdjustmentKind.Percent ? z.Adjustment : null, z.Kind == TouAdjustmentKind.RatePerKwh ? z.Adjustment : null))],
                v.FixedCharge,
                [.. v.Taxes.Select(t => new TariffTaxResponse(t.Name, BaseName(t.Base), t.Base == TaxBase.PerKwh ? null : t.Value, t.Base == TaxBase.PerKwh ? t.Value : null))])
            {
                Demand = v.Demand,
                NetMetering = v.NetMetering,
            })],
            [.. catalog.Assignments.Where(a => a.TariffId == tariff.Id).Select(a => a.ConsumerId)],
            string.Equals(catalog.DefaultTariffId, tariff.Id, StringComparison.Ordinal));
    }

    private static string BaseName(TaxBase taxBase) => taxBase switch
    {
        TaxBase.EnergyCharge => "energyCharge",
        TaxBase.Subtotal => "subtotal",
        _ => "perKwh",
    };
}
