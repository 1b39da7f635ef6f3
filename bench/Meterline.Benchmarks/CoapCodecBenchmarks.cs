using BenchmarkDotNet.Attributes;
using Meterline.Coap.Messages;

namespace Meterline.Benchmarks;

/// <summary>
/// Issue 7: encode and decode of the CoAP message a meter's push is — a CON POST to /dlms with an 8-byte token,
/// Content-Format 42 and a 300-byte secured APDU.
/// </summary>
[MemoryDiagnoser]
public class CoapCodecBenchmarks
{
    private CoapMessage _push = null!;
    private byte[] _encoded = [];
    private readonly byte[] _buffer = new byte[CoapLimits.DefaultMaxMessageSize];

    [GlobalSetup]
    public void Setup()
    {
        _push = new CoapMessage
        {
            Type = CoapMessageType.Confirmable,
            Code = CoapCode.Post,
            MessageId = 0x1234,
            Token = new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 },
            Options = [.. CoapMessage.PathOptions("/dlms"), CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream)],
            Payload = new byte[300],
        };
        _encoded = CoapMessageWriter.Encode(_push);
    }

    [Benchmark(Description = "encode CoAP push (CON POST /dlms, 300-byte APDU)")]
    public int EncodePush() => CoapMessageWriter.Encode(_push, _buffer);

    [Benchmark(Description = "decode CoAP push (CON POST /dlms, 300-byte APDU)")]
    public CoapMessage DecodePush() => CoapMessageReader.Read(_encoded);
}
