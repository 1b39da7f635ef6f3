using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;

namespace Meterline.Web.Live;

/// <summary>
/// What the pages follow live: committed readings and events (from the ingest pipeline) and command state changes
/// (from the dispatcher), each fanned out to the open circuits by <see cref="LiveFeedPump"/>.
/// </summary>
public sealed class LiveFeeds(OperatorAppOptions options)
{
    public LiveBroadcast<IngestedRecord> Records { get; } = new(options.MaxLiveSubscribers, options.LiveSubscriberCapacity);

    public LiveBroadcast<CommandStateChange> Commands { get; } = new(options.MaxLiveSubscribers, options.LiveSubscriberCapacity);
}
