namespace Meterline.Zigbee;

/// <summary>How the coordinator learnt of a node it did not know.</summary>
public enum NodeJoinReason
{
    /// <summary>A Node Identification Indicator (0x95): the node joined, was power cycled or its button pressed.</summary>
    NodeIdentification,

    /// <summary>The first Receive Packet (0x90) or Explicit Rx Indicator (0x91) from it.</summary>
    FirstHeard,

    /// <summary>It answered node discovery (<c>ATND</c>).</summary>
    Discovered,
}
