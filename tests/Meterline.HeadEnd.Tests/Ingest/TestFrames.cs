using System.Buffers.Binary;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>
/// Frames in a small test format read by <see cref="TestInspector"/>: byte 0 the inspection outcome, bytes 1–8 the
/// system title, 9–12 the invocation counter, 13 protection flags (1 authenticated, 2 encrypted), 14 the push kind.
/// </summary>
internal static class TestFrames
{
    public const int Length = 15;

    public static InboundFrame Create(
        MeterSystemTitle title,
        uint counter,
        PushKind kind = PushKind.Usage,
        bool authenticated = true,
        bool encrypted = true,
        string source = "10.0.0.1",
        IFrameAcknowledgement? ack = null,
        HeaderInspection inspection = HeaderInspection.Read,
        int length = Length,
        DateTimeOffset? receivedAt = null)
    {
        var bytes = new byte[Math.Max(length, Length)];
        bytes[0] = (byte)inspection;
        BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(1), title.Value);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(9), counter);
        bytes[13] = (byte)((authenticated ? 1 : 0) | (encrypted ? 2 : 0));
        bytes[14] = (byte)kind;
        return new InboundFrame("test:" + source, source, bytes, receivedAt ?? TestMeterSetup.Start, ack);
    }

    public static PushKind KindOf(InboundFrame frame) => (PushKind)frame.Apdu.Span[14];
}
