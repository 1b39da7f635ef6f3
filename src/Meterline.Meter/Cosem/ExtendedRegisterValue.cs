using Meterline.Dlms.Cosem;

namespace Meterline.Meter.Cosem;

/// <summary>
/// What an Extended register shows at one moment (Blue Book 4.3.3): <c>value</c>, <c>status</c> and the meter time
/// of capture (<c>capture_time</c>; null when nothing has been captured yet).
/// </summary>
public readonly record struct ExtendedRegisterValue(CosemData Value, CosemData Status, DateTimeOffset? CaptureTime);
