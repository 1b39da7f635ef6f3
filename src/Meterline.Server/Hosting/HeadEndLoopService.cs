using Meterline.Server.Observability;
using Meterline.Storage;

namespace Meterline.Server.Hosting;

/// <summary>
/// Runs one <see cref="HeadEndLoop"/> as a hosted service. A loop that ends on its own or fails is a fault of the
/// node (it would silently stop ingesting or dispatching): it is logged and the application is stopped, so a
/// supervisor (systemd) restarts it instead of leaving a half-working node. A database outage is not such a fault
/// (<see cref="StorageFaults.IsOutage"/>: PostgreSQL stopped or unreachable, SQLite's disk full): a restart would
/// meet the same database, and the node's push receivers, broker connections and sessions would be thrown away for
/// nothing. The loop is logged and run again after a back-off that doubles from 1 s up to 30 s (back to 1 s after a
/// run that lasted longer than that), until the database answers or the node stops.
/// </summary>
internal sealed partial class HeadEndLoopService(HeadEndLoop loop, IHostApplicationLifetime lifetime, TimeProvider time, LoopStates states, ILogger<HeadEndLoopService> logger) : BackgroundService
{
    internal static readonly TimeSpan MinOutageDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxOutageDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        states.Set(loop.Name, LoopState.Starting);
        await Task.Yield();
        var delay = MinOutageDelay;
        while (true)
        {
            var started = time.GetTimestamp();
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

                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                states.Set(loop.Name, LoopState.Stopped);
                return;
            }
            catch (Exception e) when (StorageFaults.IsOutage(e))
            {
                states.Set(loop.Name, LoopState.WaitingForStore);
                if (time.GetElapsedTime(started) > MaxOutageDelay)
                {
                    delay = MinOutageDelay;
                }

                LogOutage(logger, e, loop.Name, delay.TotalSeconds);
            }
            catch (Exception e)
            {
                states.Set(loop.Name, LoopState.Failed);
                LogFailed(logger, e, loop.Name);
                lifetime.StopApplication();
                return;
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                states.Set(loop.Name, LoopState.Stopped);
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxOutageDelay.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The head-end service {Name} stopped on its own; stopping the node")]
    private static partial void LogEnded(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The head-end service {Name} failed; stopping the node")]
    private static partial void LogFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "The head-end service {Name} met a database outage; it runs again in {Seconds} s")]
    private static partial void LogOutage(ILogger logger, Exception exception, string name, double seconds);
}
