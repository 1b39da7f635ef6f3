using Meterline.Meter.Events;

namespace Meterline.Meter.Tests.Control;

/// <summary>An event recorder that keeps the codes in order.</summary>
internal sealed class RecordingEventRecorder : IEventRecorder
{
    public List<ushort> Codes { get; } = [];

    public void Record(ushort code) => Codes.Add(code);
}
