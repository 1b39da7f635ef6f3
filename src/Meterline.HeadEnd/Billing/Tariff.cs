namespace Meterline.HeadEnd.Billing;

/// <summary>
/// A tariff as data: its id, the name printed on bills, the currency (ISO 4217 code) with amounts to two decimal
/// places, the utility's time zone (an IANA id) and its versions ordered by effective date.
/// </summary>
public sealed record Tariff(string Id, string Name, string Currency, string TimeZoneId, IReadOnlyList<TariffVersion> Versions)
{
    /// <summary>Amounts are in the currency with this many decimal places.</summary>
    public const int Decimals = 2;

    /// <summary>The utility's time zone.</summary>
    public TimeZoneInfo TimeZone => TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    /// <summary>The version in force on the first day of <paramref name="month"/>, or null when the tariff starts later.</summary>
    public TariffVersion? VersionFor(BillingMonth month) => Versions.LastOrDefault(v => v.EffectiveFrom <= month.FirstDay);
}
