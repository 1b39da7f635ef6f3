namespace Meterline.Dlms.Profiles;

/// <summary>
/// An event code of the profile's event table (IS 15959 groups: 0 voltage, 1 current, 2 power, 3 transaction,
/// 4 other/tamper, 5 non-rollover, 6 control); the group selects the event code register 0.0.96.11.g.255 and the
/// event log 0.0.99.98.g.255.
/// </summary>
public sealed record ProfileEventCode(ushort Code, byte Group, string Name);
