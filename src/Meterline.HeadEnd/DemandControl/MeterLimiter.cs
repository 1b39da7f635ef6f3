using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.DemandControl;

/// <summary>A meter's Limiter as last confirmed by a LoadLimit command (a write read back as asked, or a read).</summary>
public sealed record MeterLimiter(MeterId Meter, LimiterReading Reading, DateTimeOffset ConfirmedAt, CommandId Command);
