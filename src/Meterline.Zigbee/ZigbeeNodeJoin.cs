namespace Meterline.Zigbee;

/// <summary>A node the coordinator had not known, with its link.</summary>
public sealed record ZigbeeNodeJoin(ZigbeeNodeLink Node, NodeJoinReason Reason, DateTimeOffset At);
