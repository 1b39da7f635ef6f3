using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;
using Meterline.Meter.Cosem;
using Meterline.Meter.Metrology;

namespace Meterline.Meter;

/// <summary>The meter's profile generic objects: instantaneous, block load, daily, billing, name plate and event logs.</summary>
public sealed partial class SmartMeter
{
    private CosemObject BuildProfile(ProfileObject o)
    {
        var ln = o.LogicalName;
        if (ln == NamePlate)
        {
            return new NamePlateObject(ln,
            [
                (Column(1, SerialNumber), new CosemData.OctetString(System.Text.Encoding.ASCII.GetBytes(Identity.Serial))),
                (Column(1, ManufacturerName), new CosemData.OctetString(System.Text.Encoding.ASCII.GetBytes(Identity.Manufacturer))),
                (Column(1, FirmwareVersion), new CosemData.OctetString(System.Text.Encoding.ASCII.GetBytes(Identity.FirmwareVersion))),
                (Column(1, LogicalDeviceName), new CosemData.OctetString(System.Text.Encoding.ASCII.GetBytes(Identity.LogicalDeviceName))),
            ]);
        }

        if (ln == InstantaneousProfile)
        {
            return new ProfileGenericObject(ln, InstantaneousColumns, 1, Clock, TimeSpan.Zero, InstantaneousRow, captureOnRead: true);
        }

        if (ln == BlockLoadProfile)
        {
            var entries = (int)(TimeSpan.FromDays(_options.BlockProfileDays) / _options.BlockPeriod);
            return _blockProfile = new ProfileGenericObject(ln, BlockColumns, entries, Clock, _options.BlockPeriod);
        }

        if (ln == DailyLoadProfile)
        {
            return _dailyProfile = new ProfileGenericObject(ln, DailyColumns, _options.DailyProfileDays, Clock, TimeSpan.FromDays(1));
        }

        if (ln == BillingProfileName)
        {
            return _billingProfile = new ProfileGenericObject(ln, BillingColumns, _options.BillingProfileEntries, Clock, TimeSpan.Zero);
        }

        if (ln is { A: 0, B: 0, C: 99, D: 98, E: < 7 })
        {
            return _eventLogs[ln.E] = new ProfileGenericObject(ln, EventColumns(ln.E), _options.EventLogEntries, Clock, TimeSpan.Zero);
        }

        throw new InvalidOperationException($"The meter has no implementation for profile generic {ln}");
    }

    /// <summary>The profile's scaler for a register, so that profile cells are in the same units as the register itself.</summary>
    private sbyte ScalerOf(ObisCode register) => Profile.Find(register)?.ScalerUnit?.Scaler ?? 0;

    private static CaptureObjectDefinition Column(ushort classId, ObisCode ln, sbyte attribute = 2) => new(classId, ln, attribute, 0);

    private static readonly ProfileColumn[] InstantaneousColumns =
    [
        new(CaptureObjectDefinition.Clock, ProfileColumnType.DateTime),
        new(Column(3, Voltage), ProfileColumnType.LongUnsigned),
        new(Column(3, PhaseCurrent), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, NeutralCurrent), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, PowerFactor), ProfileColumnType.Long),
        new(Column(3, Frequency), ProfileColumnType.LongUnsigned),
        new(Column(3, ApparentPower), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, ActivePower), ProfileColumnType.DoubleLong),
        new(Column(3, EnergyImport), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, EnergyExport), ProfileColumnType.DoubleLongUnsigned),
        new(Column(1, TamperCountName), ProfileColumnType.DoubleLongUnsigned),
        new(Column(1, PowerFailuresName), ProfileColumnType.DoubleLongUnsigned),
    ];

    private static readonly ProfileColumn[] BlockColumns =
    [
        new(CaptureObjectDefinition.Clock, ProfileColumnType.DateTime),
        new(Column(3, BlockVoltage), ProfileColumnType.LongUnsigned),
        new(Column(3, BlockCurrent), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, BlockImport), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, BlockExport), ProfileColumnType.DoubleLongUnsigned),
    ];

    private static readonly ProfileColumn[] DailyColumns =
    [
        new(CaptureObjectDefinition.Clock, ProfileColumnType.DateTime),
        new(Column(3, EnergyImport), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, EnergyExport), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, ApparentEnergy), ProfileColumnType.DoubleLongUnsigned),
    ];

    private static readonly ProfileColumn[] BillingColumns =
    [
        new(CaptureObjectDefinition.Clock, ProfileColumnType.DateTime),
        new(Column(1, BillingPeriodsName), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, EnergyImport), ProfileColumnType.DoubleLongUnsigned),
        .. Enumerable.Range(1, EnergyRegisters.TariffZoneCount).Select(z => new ProfileColumn(Column(3, new ObisCode(1, 0, 1, 8, (byte)z, 255)), ProfileColumnType.DoubleLongUnsigned)),
        new(Column(4, MaximumDemand), ProfileColumnType.DoubleLongUnsigned),
        new(Column(4, MaximumDemand, 5), ProfileColumnType.DateTime),
        new(Column(3, EnergyExport), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, ApparentEnergy), ProfileColumnType.DoubleLongUnsigned),
    ];

    private static ProfileColumn[] EventColumns(byte group) =>
    [
        new(CaptureObjectDefinition.Clock, ProfileColumnType.DateTime),
        new(Column(1, new ObisCode(0, 0, 96, 11, group, 255)), ProfileColumnType.LongUnsigned),
        new(Column(3, Voltage), ProfileColumnType.LongUnsigned),
        new(Column(3, PhaseCurrent), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, NeutralCurrent), ProfileColumnType.DoubleLongUnsigned),
        new(Column(3, PowerFactor), ProfileColumnType.Long),
        new(Column(3, EnergyImport), ProfileColumnType.DoubleLongUnsigned),
        new(Column(1, TamperCountName), ProfileColumnType.DoubleLongUnsigned),
    ];

    private long[] InstantaneousRow() =>
    [
        Clock.UtcNow.UtcTicks,
        Scaled(_sample.Voltage, ScalerOf(Voltage), ushort.MaxValue),
        Scaled(_sample.PhaseCurrent, ScalerOf(PhaseCurrent), uint.MaxValue),
        Scaled(_sample.NeutralCurrent, ScalerOf(NeutralCurrent), uint.MaxValue),
        (long)Math.Round(_sample.PowerFactor / Math.Pow(10, ScalerOf(PowerFactor))),
        Scaled(_sample.Frequency, ScalerOf(Frequency), ushort.MaxValue),
        Scaled(_sample.ApparentPower, ScalerOf(ApparentPower), uint.MaxValue),
        (long)Math.Clamp(Math.Round(_sample.ActivePower / Math.Pow(10, ScalerOf(ActivePower))), int.MinValue, int.MaxValue),
        Clamp(Registers.ImportWh),
        Clamp(Registers.ExportWh),
        Clamp(_tamperCount),
        Clamp(_powerFailures),
    ];

    private void AppendBlock(IntervalSummary block) =>
        _blockProfile?.Append(
        [
            block.CaptureTime.UtcTicks,
            Scaled(block.AverageVoltage, ScalerOf(BlockVoltage), ushort.MaxValue),
            Scaled(block.AverageCurrent, ScalerOf(BlockCurrent), uint.MaxValue),
            Clamp(block.ImportWh),
            Clamp(block.ExportWh),
        ]);

    private void AppendDaily(DateTimeOffset midnight) =>
        _dailyProfile?.Append([midnight.UtcTicks, Clamp(Registers.ImportWh), Clamp(Registers.ExportWh), Clamp(Registers.ApparentVAh)]);

    private void CaptureBilling(DateTimeOffset billingTime)
    {
        _billingPeriods++;
        if (_billingProfile is { } billing)
        {
            var row = new long[BillingColumns.Length];
            var i = 0;
            row[i++] = billingTime.UtcTicks;
            row[i++] = Clamp(_billingPeriods);
            row[i++] = Clamp(Registers.ImportWh);
            for (var zone = 1; zone <= EnergyRegisters.TariffZoneCount; zone++)
            {
                row[i++] = Clamp(Registers.ZoneImportWh(zone));
            }

            row[i++] = (long)Math.Clamp(Math.Round(_demand.MaximumDemandWatts), 0, uint.MaxValue);
            row[i++] = _demand.CaptureTime?.UtcTicks ?? ProfileGenericObject.UnspecifiedDateTime;
            row[i++] = Clamp(Registers.ExportWh);
            row[i] = Clamp(Registers.ApparentVAh);
            billing.Append(row);
        }

        _demand.Reset();
        EnqueueBillingPush(billingTime);
    }

    private void AppendEvent(int group, ushort code)
    {
        _eventLogs[group]?.Append(
        [
            Clock.UtcNow.UtcTicks,
            code,
            Scaled(_sample.Voltage, ScalerOf(Voltage), ushort.MaxValue),
            Scaled(_sample.PhaseCurrent, ScalerOf(PhaseCurrent), uint.MaxValue),
            Scaled(_sample.NeutralCurrent, ScalerOf(NeutralCurrent), uint.MaxValue),
            (long)Math.Round(_sample.PowerFactor / Math.Pow(10, ScalerOf(PowerFactor))),
            Clamp(Registers.ImportWh),
            Clamp(_tamperCount),
        ]);
    }
}
