namespace Meterline.Cli.Demo;

/// <summary>A snapshot of the running demo for the live status.</summary>
/// <param name="Elapsed">Real time since the start.</param>
/// <param name="SimulatedTime">The fleet's clock.</param>
/// <param name="MetersRegistered">Meters in the head-end's registry.</param>
/// <param name="MetersReporting">Meters with readings stored in this run.</param>
/// <param name="ReadingsStored">Interval readings stored in this run.</param>
/// <param name="Events">Meter events stored in this run (each came in an alert push).</param>
/// <param name="TamperAlarms">Of them, tamper alarms (magnet, neutral disturbance, cover open).</param>
/// <param name="FramesRejected">Pushes the ingress guard or the decoder refused.</param>
/// <param name="ZigbeePushes">Pushes from the Zigbee coordinator handed to the ingest pipeline (null without Zigbee meters).</param>
/// <param name="Command">The demo's disconnect, as far as it got (null before the tamper alarm).</param>
internal sealed record DemoStatus(
    TimeSpan Elapsed,
    DateTimeOffset SimulatedTime,
    int MetersRegistered,
    int MetersReporting,
    long ReadingsStored,
    long Events,
    long TamperAlarms,
    long FramesRejected,
    long? ZigbeePushes,
    string? Command);
