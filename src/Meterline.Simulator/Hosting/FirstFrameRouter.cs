using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Meterline.Dlms.Hdlc;
using Meterline.Dlms.Wrapper;

namespace Meterline.Simulator.Hosting;

/// <summary>
/// Finds which meter a new connection on a shared port is for, from the server address of its first frame, without
/// consuming any byte (the meter's link then reads the same frame): HDLC — the lower (physical) part of a four-byte
/// destination address (IEC 62056-46 §6.4.2.2; the frame must pass its checksums); wrapper — the destination wPort
/// of the first header (IEC 62056-47 §5.2, which needs only the 8-byte header). Bounded in bytes and in time.
/// </summary>
internal static class FirstFrameRouter
{
    private enum Outcome
    {
        NeedMore,
        Found,
        Invalid,
    }

    /// <summary>The address named by the first frame, or null (nothing usable within the limits, or the peer left).</summary>
    public static async Task<int?> PeekAsync(PipeReader input, FleetFraming framing, int maxBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            var buffer = result.Buffer;
            var outcome = TryFind(buffer, framing, out var address);
            if (outcome == Outcome.Found)
            {
                // Nothing consumed and nothing examined: the next read (the meter link's) returns these bytes at once.
                input.AdvanceTo(buffer.Start);
                return address;
            }

            // Nothing consumed, everything examined: the next read waits for more bytes.
            input.AdvanceTo(buffer.Start, buffer.End);
            if (outcome == Outcome.Invalid || result.IsCompleted || result.IsCanceled || buffer.Length >= maxBytes)
            {
                return null;
            }
        }
    }

    private static Outcome TryFind(ReadOnlySequence<byte> buffer, FleetFraming framing, out int address)
    {
        address = 0;
        if (framing == FleetFraming.Wrapper)
        {
            if (buffer.Length < WrapperFrame.HeaderLength)
            {
                return Outcome.NeedMore;
            }

            Span<byte> header = stackalloc byte[WrapperFrame.HeaderLength];
            buffer.Slice(0, WrapperFrame.HeaderLength).CopyTo(header);
            if (BinaryPrimitives.ReadUInt16BigEndian(header) != WrapperFrame.Version)
            {
                return Outcome.Invalid;
            }

            address = BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
            return Outcome.Found;
        }

        var copy = buffer;
        var reader = new HdlcFrameReader(HdlcFrame.MaximumFrameLength - 13);
        if (!reader.TryRead(ref copy, out var frame))
        {
            return Outcome.NeedMore;
        }

        if (frame.Destination.Size != 4)
        {
            return Outcome.Invalid;
        }

        address = frame.Destination.Lower;
        return Outcome.Found;
    }
}
