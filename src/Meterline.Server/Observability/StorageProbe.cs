namespace Meterline.Server.Observability;

/// <summary>A round trip to the node's database, for <see cref="StorageHealthCheck"/>.</summary>
public sealed record StorageProbe(Func<CancellationToken, Task> PingAsync);
