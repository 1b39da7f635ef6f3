namespace Meterline.Cli.Demo;

/// <summary>One step of the demo's story as it happens: real time since the start, the fleet's simulated time, what happened.</summary>
internal sealed record StoryLine(TimeSpan Elapsed, DateTimeOffset SimulatedTime, string Text);
