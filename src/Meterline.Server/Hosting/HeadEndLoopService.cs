using Meterline.Server.Observability;

namespace Meterline.Server.Hosting;

/// <summary>
/// Runs one <see cref="HeadEndLoop"/> as a hosted service. A loop that ends on its own or fails is a fault of the
/// node (it would silently stop ingesting or dispatching): it is logged and the application is stopped, so a
/// supervisor (systemd) restarts it instead of leaving a half-working node.
/// </summary>
internal sealed partial class HeadEndLoopService(HeadEndLoop loop, IHostApplicationLifetime lifetime, LoopStates states, ILogger<HeadEndLoopService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        states.Set(loop.Name, LoopState.Starting);
        await Task.Yield();
        try
        {
            states.Set(loop.Name, LoopState.Running);
            await loop.RunAsync(stoppingToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                states.Set(loop.Name, LoopState.Ended);
                LogEnded(logger, loop.Name);
                lifetime.StopApplication();
            }
            else
            {
                states.Set(loop.Name, LoopState.Stopped);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            states.Set(loop.Name, LoopState.Stopped);
        }
        catch (Exception e)
        {
            states.Set(loop.Name, LoopState.Failed);
            LogFailed(logger, e, loop.Name);
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The head-end service {Name} stopped on its own; stopping the node")]
    private static partial void LogEnded(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The head-end service {Name} failed; stopping the node")]
    private static partial void LogFailed(ILogger logger, Exception exception, string name);
}
