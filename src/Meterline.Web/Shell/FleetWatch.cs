using System.Threading.Channels;

namespace Meterline.Web.Shell;

/// <summary>
/// One circuit following the <see cref="SharedFleetSnapshot"/>: the newest snapshot not yet read (a channel of one that
/// drops the older), until disposed.
/// </summary>
public sealed class FleetWatch : IDisposable
{
    private readonly SharedFleetSnapshot _source;
    private readonly Channel<FleetSnapshot> _updates = Channel.CreateBounded<FleetSnapshot>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false });

    internal FleetWatch(SharedFleetSnapshot source) => _source = source;

    /// <summary>Each snapshot taken while watching (the newest only, when the reader falls behind).</summary>
    public ChannelReader<FleetSnapshot> Updates => _updates.Reader;

    public void Dispose()
    {
        _source.Unwatch(this);
        _updates.Writer.TryComplete();
    }

    internal void Offer(FleetSnapshot snapshot) => _updates.Writer.TryWrite(snapshot);
}
