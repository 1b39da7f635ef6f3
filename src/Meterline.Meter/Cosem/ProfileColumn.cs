using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>One column of a Profile generic buffer: the capture object (Blue Book 4.3.6 capture_objects) and how
/// its values are stored and encoded.</summary>
public readonly record struct ProfileColumn(CaptureObjectDefinition CaptureObject, ProfileColumnType Type);
