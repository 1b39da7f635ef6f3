using System.Collections.Immutable;

namespace Meterline.Meter.Metrology;

/// <summary>
/// The meter's cumulative energy registers (IS 15959: 1.0.1.8.0.255 active import, 1.0.2.8.0.255 active export,
/// 1.0.9.8.0.255 apparent import, 1.0.1.8.1..8.255 active import per tariff zone TZ1..TZ8), in whole Wh or VAh. They
/// never decrease. The fraction of a watt-hour below the whole number is carried internally, so energy is neither
/// lost nor counted twice. Each whole watt-hour the import register gains is added to the zone in force at that
/// moment, so the zones always add up to the import register exactly; the fraction carried over a zone change is
/// counted in the new zone (at most 1 Wh).
/// </summary>
public sealed class EnergyRegisters
{
    /// <summary>The number of tariff zones (TZ1..TZ8).</summary>
    public const int TariffZoneCount = 8;

    private readonly ulong[] _zoneImportWh = new ulong[TariffZoneCount];
    private double _importFraction;
    private double _exportFraction;
    private double _apparentFraction;

    /// <summary>Cumulative active energy imported, Wh.</summary>
    public ulong ImportWh { get; private set; }

    /// <summary>Cumulative active energy exported, Wh.</summary>
    public ulong ExportWh { get; private set; }

    /// <summary>Cumulative apparent energy while importing, VAh.</summary>
    public ulong ApparentVAh { get; private set; }

    /// <summary>Cumulative active import including the carried fraction, Wh.</summary>
    public double ImportWhExact => ImportWh + _importFraction;

    /// <summary>Cumulative active export including the carried fraction, Wh.</summary>
    public double ExportWhExact => ExportWh + _exportFraction;

    /// <summary>Cumulative active energy imported while <paramref name="zone"/> (1–8) was in force, Wh.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="zone"/> is not 1–8.</exception>
    public ulong ZoneImportWh(int zone)
    {
        ValidateZone(zone);
        return _zoneImportWh[zone - 1];
    }

    /// <summary>The whole-unit registers by name ("import", "export", "apparent", "tz1".."tz8"), for non-volatile memory.</summary>
    public ImmutableDictionary<string, ulong> Snapshot()
    {
        var builder = ImmutableDictionary.CreateBuilder<string, ulong>(StringComparer.Ordinal);
        builder["import"] = ImportWh;
        builder["export"] = ExportWh;
        builder["apparent"] = ApparentVAh;
        for (var zone = 1; zone <= TariffZoneCount; zone++)
        {
            builder[ZoneName(zone)] = _zoneImportWh[zone - 1];
        }

        return builder.ToImmutable();
    }

    /// <summary>
    /// Loads registers saved by <see cref="Snapshot"/> (a restarted meter carries on from them); a register is never
    /// moved backwards, and missing names are left as they are. The zones are made to add up to the import register
    /// again by crediting any difference to TZ1.
    /// </summary>
    public void Restore(IReadOnlyDictionary<string, ulong> saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ImportWh = Math.Max(ImportWh, saved.GetValueOrDefault("import"));
        ExportWh = Math.Max(ExportWh, saved.GetValueOrDefault("export"));
        ApparentVAh = Math.Max(ApparentVAh, saved.GetValueOrDefault("apparent"));
        ulong zones = 0;
        for (var zone = 1; zone <= TariffZoneCount; zone++)
        {
            _zoneImportWh[zone - 1] = Math.Max(_zoneImportWh[zone - 1], saved.GetValueOrDefault(ZoneName(zone)));
            zones += _zoneImportWh[zone - 1];
        }

        if (zones < ImportWh)
        {
            _zoneImportWh[0] += ImportWh - zones;
        }
        else if (zones > ImportWh)
        {
            ImportWh = zones;
        }
    }

    private static string ZoneName(int zone) => "tz" + zone.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Adds one step's energies, the import to <paramref name="zone"/>.</summary>
    internal void Add(in StepEnergy energy, int zone)
    {
        var import = Carry(ref _importFraction, energy.ImportWh);
        ImportWh += import;
        _zoneImportWh[zone - 1] += import;
        ExportWh += Carry(ref _exportFraction, energy.ExportWh);
        ApparentVAh += Carry(ref _apparentFraction, energy.ApparentVAh);
    }

    internal static void ValidateZone(int zone)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(zone, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(zone, TariffZoneCount);
    }

    private static ulong Carry(ref double fraction, double amount)
    {
        fraction += amount;
        if (fraction < 1)
        {
            return 0;
        }

        var whole = Math.Floor(fraction);
        fraction -= whole;
        return (ulong)whole;
    }
}
