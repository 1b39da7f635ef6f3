namespace Meterline.Meter.Metrology;

/// <summary>
/// What the meter measures at one instant: the values behind the instantaneous registers (IS 15959 instantaneous
/// profile: 1.0.12.7.0.255 voltage, 1.0.11.7.0.255 phase current, 1.0.91.7.0.255 neutral current, 1.0.1.7.0.255
/// active power, 1.0.9.7.0.255 apparent power, 1.0.13.7.0.255 signed power factor, 1.0.14.7.0.255 frequency).
/// </summary>
/// <param name="Voltage">RMS voltage, V.</param>
/// <param name="PhaseCurrent">RMS phase current as measured, A (a magnitude).</param>
/// <param name="NeutralCurrent">RMS neutral current as measured, A (a magnitude).</param>
/// <param name="ActivePower">Active power as registered, W; negative when exported (reverse current).</param>
/// <param name="ApparentPower">Apparent power as registered, VA.</param>
/// <param name="PowerFactor">
/// Signed power factor, IEC convention: the sign of the active power (negative when exporting); 1 with no load.
/// </param>
/// <param name="Frequency">Supply frequency, Hz (0 in an outage).</param>
/// <param name="MagneticFieldDetected">The meter's magnetic field sensor sees an abnormal field.</param>
public readonly record struct MetrologySample(
    double Voltage,
    double PhaseCurrent,
    double NeutralCurrent,
    double ActivePower,
    double ApparentPower,
    double PowerFactor,
    double Frequency,
    bool MagneticFieldDetected);
