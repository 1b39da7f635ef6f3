using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Security;

namespace Meterline.Benchmarks;

/// <summary>
/// Issue 2 benchmark (a): what the head-end does for every pushed reading — read the general-glo-ciphering APDU's
/// outer layer without copying (<see cref="SecuredApduView"/>), find the sender's cached cipher by system title,
/// check the invocation counter is fresh, decrypt and verify (suite 0, A+E), and decode the DataNotification.
/// 10,000 meters, each with its own keys.
/// </summary>
[MemoryDiagnoser]
public class DataNotificationIngestBenchmarks
{
    private const int Meters = 10_000;
    private readonly Dictionary<SystemTitle, AesGcmCipher> _ciphers = new(Meters);
    private readonly InvocationCounterGuard _guard = new();
    private byte[][] _messages = [];
    private int _next;
    private AesGcm _rawGcm = null!;
    private byte[] _rawCiphertext = [];
    private byte[] _rawTag = [];
    private byte[] _rawNonce = [];

    [GlobalSetup]
    public void Setup()
    {
        _messages = new byte[Meters][];
        for (var i = 0; i < Meters; i++)
        {
            var title = new SystemTitle(0x4D4D4D0000000000UL + (ulong)i);
            var cipher = new AesGcmCipher(CipherKey.Generate(), CipherKey.Generate());
            _ciphers.Add(title, cipher);
            var push = BenchmarkData.UsagePush(i).ToArray();
            _messages[i] = GeneralGloCiphering.Protect(cipher, SecurityControl.AuthenticatedEncryption, title, 1_000_000u + (uint)i, push).ToArray();
        }

        // Baseline: AES-GCM-128 over 128 bytes with a cached AesGcm, nothing else.
        var key = RandomNumberGenerator.GetBytes(16);
        _rawGcm = new AesGcm(key, 12);
        _rawNonce = RandomNumberGenerator.GetBytes(12);
        var plain = RandomNumberGenerator.GetBytes(128);
        _rawCiphertext = new byte[128];
        _rawTag = new byte[12];
        _rawGcm.Encrypt(_rawNonce, plain, _rawCiphertext, _rawTag);
    }


    [Benchmark(Baseline = true, Description = "raw AES-GCM-128 decrypt, 128 B")]
    public void RawAesGcm()
    {
        Span<byte> plain = stackalloc byte[128];
        _rawGcm.Decrypt(_rawNonce, _rawCiphertext, _rawTag, plain);
    }

    [Benchmark(Description = "decrypt + verify + decode DataNotification")]
    public DataNotification DecryptVerifyDecode()
    {
        var message = _messages[_next];
        _next = _next + 1 == Meters ? 0 : _next + 1;

        // The ingress guard's view: sender and counter without a copy or an allocation.
        if (!SecuredApduView.TryRead(message, out var view) || view.SystemTitle is not { } sender
            || !_ciphers.TryGetValue(sender, out var cipher)
            || !_guard.IsFresh(sender, KeyId.GlobalUnicastEncryptionKey, view.Header.InvocationCounter))
        {
            throw new InvalidOperationException("rejected by the ingress guard");
        }

        Span<byte> plain = stackalloc byte[256];
        if (!cipher.TryUnprotect(view.CipheredContent, sender, plain, out var written))
        {
            throw new DlmsSecurityException(DlmsErrorReason.AuthenticationFailed, "tag");
        }

        return (DataNotification)ApduCodec.Decode(plain[..written]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var cipher in _ciphers.Values)
        {
            cipher.Dispose();
        }

        _rawGcm.Dispose();
    }
}
