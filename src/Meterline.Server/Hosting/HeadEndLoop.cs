namespace Meterline.Server.Hosting;

/// <summary>A long-running service of the head-end: a name for the logs and the loop, which returns when cancelled.</summary>
public sealed record HeadEndLoop(string Name, Func<CancellationToken, Task> RunAsync);
