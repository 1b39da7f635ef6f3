namespace Meterline.Server.Hosting;

/// <summary>
/// The host's lifetime when the process's owner (the <c>meterline</c> command, a test) handles Ctrl+C and SIGTERM
/// itself: unlike the default console lifetime it registers no signal handlers, so the application stops only when
/// its owner stops it or when it stops itself (a failed service, <see cref="HeadEndLoopService"/>) — and the owner
/// can tell the two apart.
/// </summary>
internal sealed class CallerOwnedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
