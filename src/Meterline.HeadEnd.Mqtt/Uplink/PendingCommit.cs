using Meterline.HeadEnd.Ingest;

namespace Meterline.HeadEnd.Mqtt.Uplink;

/// <summary>A message whose push the pipeline has queued: its PUBACK waits for <see cref="Commit"/>.</summary>
internal readonly record struct PendingCommit(ReceivedMessage Received, Task<FrameOutcome> Commit);
