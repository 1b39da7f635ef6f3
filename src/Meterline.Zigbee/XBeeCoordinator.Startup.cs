using System.Buffers.Binary;
using Meterline.Zigbee.Frames;
using Meterline.Zigbee.Segmentation;

namespace Meterline.Zigbee;

/// <summary>The start-up queries: AP (mode 1 framing, then mode 2), NP, SH, SL, MY, NT.</summary>
public sealed partial class XBeeCoordinator
{
    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        _mode = await QueryApiModeAsync(cancellationToken).ConfigureAwait(false);
        // NP is under 256 on every XBee Zigbee module; the clamp keeps a transmit request within the frame bound.
        var np = ReadUnsigned(await QueryAsync("NP", cancellationToken).ConfigureAwait(false));
        MaxPayload = (int)Math.Min(np, (ulong)(Options.MaxFrameDataLength - 14));
        if (MaxPayload <= SegmentHeader.Length)
        {
            throw new XBeeException($"The module reports NP = {MaxPayload}, too small to carry a segment.", isTransient: false);
        }

        var high = (uint)ReadUnsigned(await QueryAsync("SH", cancellationToken).ConfigureAwait(false));
        var low = (uint)ReadUnsigned(await QueryAsync("SL", cancellationToken).ConfigureAwait(false));
        Address64 = XBeeAddress64.FromHighLow(high, low);
        Address16 = new XBeeAddress16((ushort)ReadUnsigned(await QueryAsync("MY", cancellationToken).ConfigureAwait(false)));
        NodeDiscoveryTimeout = TimeSpan.FromMilliseconds(100 * ReadUnsigned(await QueryAsync("NT", cancellationToken).ConfigureAwait(false)));
    }

    /// <summary>Asks AP in mode 1 framing, then in mode 2 framing, and adopts the mode the module reports.</summary>
    private async Task<XBeeApiMode> QueryApiModeAsync(CancellationToken cancellationToken)
    {
        foreach (var framing in (XBeeApiMode[])[XBeeApiMode.Api, XBeeApiMode.ApiEscaped])
        {
            _mode = framing;
            AtCommandResponse response;
            try
            {
                response = (AtCommandResponse)await RequestAsync(
                    id => new AtCommand(id, "AP"), XBeeFrameType.AtCommandResponse, Options.StartupQueryTimeout, null, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                continue;
            }

            var mode = response.Status == AtCommandStatus.Ok ? (XBeeApiMode)ReadUnsigned(response) : XBeeApiMode.Transparent;
            return mode is XBeeApiMode.Api or XBeeApiMode.ApiEscaped
                ? mode
                : throw new XBeeException($"The module reports AP = {mode}; the driver needs API mode 1 or 2.", isTransient: false);
        }

        throw new XBeeException("The module answered ATAP in neither API mode 1 nor API mode 2.", isTransient: true);
    }

    private async Task<AtCommandResponse> QueryAsync(string command, CancellationToken cancellationToken)
    {
        var response = await SendAtCommandAsync(command, default, cancellationToken).ConfigureAwait(false);
        return response.Status == AtCommandStatus.Ok
            ? response
            : throw new XBeeException($"AT{command} failed: {response.Status}.", isTransient: false);
    }

    /// <summary>A big-endian unsigned value of up to 8 bytes (AT responses drop leading zero bytes).</summary>
    private static ulong ReadUnsigned(AtCommandResponse response)
    {
        var data = response.Data.Span;
        if (data.IsEmpty || data.Length > 8)
        {
            throw new XBeeException($"AT{response.Command} answered {data.Length} bytes, not a number.", isTransient: false);
        }

        Span<byte> padded = stackalloc byte[8];
        data.CopyTo(padded[(8 - data.Length)..]);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }
}
