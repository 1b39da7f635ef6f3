namespace Meterline.Dlms.Associations;

/// <summary>
/// Caps on reassembling a block transfer (GET/SET with datablock, ACTION with pblock), so that a peer that keeps
/// sending blocks can never make the receiver hold more than it agreed to.
/// </summary>
public sealed record BlockTransferLimits(int MaxBlocks = 10_000, int MaxTotalBytes = 16 * 1024 * 1024)
{
    public static BlockTransferLimits Default { get; } = new();
}
