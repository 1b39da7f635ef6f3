using BenchmarkDotNet.Attributes;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;

namespace Meterline.Benchmarks;

/// <summary>
/// Issue 2 benchmarks (b) decode of a plain GET-Response carrying 96 load profile entries, and (c) encode + encrypt
/// of a GET-Request (the clock, glo-get-request, A+E).
/// </summary>
[MemoryDiagnoser]
public class ApduCodecBenchmarks
{
    private byte[] _dayOfProfile = [];
    private AesGcmCipher _cipher = null!;
    private readonly SystemTitle _client = SystemTitle.Parse("4D4D4D0000000001");
    private uint _invocationCounter;

    [GlobalSetup]
    public void Setup()
    {
        _dayOfProfile = BenchmarkData.DayOfLoadProfile().ToArray();
        _cipher = new AesGcmCipher(CipherKey.Generate(), CipherKey.Generate());
    }


    [Benchmark(Description = "decode GET-Response, 96-entry load profile")]
    public Apdu DecodeDayOfLoadProfile() => ApduCodec.Decode(_dayOfProfile);

    [Benchmark(Description = "encode + encrypt GET-Request (glo, A+E)")]
    public byte[] EncodeAndEncryptGetRequest()
    {
        var request = new GetRequestNormal(
            new InvokeIdAndPriority(1, confirmed: true, highPriority: true),
            new CosemAttributeDescriptor(8, ObisCode.Clock, 2));
        return CipheredApdu.Protect(_cipher, SecurityControl.AuthenticatedEncryption, _client, ++_invocationCounter, request.ToArray()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup() => _cipher.Dispose();
}
