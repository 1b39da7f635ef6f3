using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Commands.Approvals;

/// <summary>A meter of a bulk request that got no command, and why (the command service refused it).</summary>
public sealed record BulkCommandRefusal(MeterId Meter, CommandRejection Reason, string Message);
