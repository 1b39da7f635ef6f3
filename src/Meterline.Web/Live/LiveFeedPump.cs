using Meterline.HeadEnd.Commands;
using Meterline.HeadEnd.Ingest;
using Microsoft.Extensions.Hosting;

namespace Meterline.Web.Live;

/// <summary>
/// Feeds <see cref="LiveFeeds"/>: one subscription to the ingest pipeline's committed records, and the dispatcher's
/// command state changes (this pump is that channel's one reader; others subscribe to <see cref="LiveFeeds.Commands"/>).
/// </summary>
public sealed class LiveFeedPump(IngestPipeline pipeline, CommandDispatcher dispatcher, LiveFeeds feeds) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var records = pipeline.Subscribe();
        await Task.WhenAll(PumpRecordsAsync(records, stoppingToken), PumpCommandsAsync(stoppingToken)).ConfigureAwait(false);
    }

    private async Task PumpRecordsAsync(IngestSubscription records, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var record in records.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                feeds.Records.Publish(record);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task PumpCommandsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in dispatcher.Changes.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                feeds.Commands.Publish(change);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
