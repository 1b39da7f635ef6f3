namespace Meterline.Zigbee.Emulator;

/// <summary>What the radio did with one frame: whether it arrived, after how many attempts, how long it took, and
/// whether the sender is told it arrived.</summary>
internal readonly record struct RadioOutcome(bool Delivered, int Attempts, TimeSpan Airtime, bool Acknowledged);
