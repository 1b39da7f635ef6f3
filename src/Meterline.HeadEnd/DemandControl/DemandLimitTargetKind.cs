namespace Meterline.HeadEnd.DemandControl;

/// <summary>What a group load limit names: one meter, every meter of a transformer or feeder, or a list of meters.</summary>
public enum DemandLimitTargetKind
{
    Meter = 1,
    Transformer = 2,
    Feeder = 3,
    Meters = 4,
}
