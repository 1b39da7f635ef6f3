using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>What a handler answers; the endpoint adds type, message id, token and any block options.</summary>
/// <param name="Code">A response code (class 2, 4 or 5).</param>
/// <param name="Options">Response options (Content-Format, Location-Path, ...).</param>
/// <param name="Payload">The whole body; the endpoint sends it Block2-wise when it is larger than a block.</param>
/// <param name="MayExceedRequestSize">The handler authenticated the requester: the amplification rule does not apply.</param>
public sealed record CoapResponse(CoapCode Code, IReadOnlyList<CoapOption> Options, ReadOnlyMemory<byte> Payload, bool MayExceedRequestSize = false)
{
    public static CoapResponse Of(CoapCode code) => new(code, [], ReadOnlyMemory<byte>.Empty);
}
