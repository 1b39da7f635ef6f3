using System.Buffers;
using System.Collections.Frozen;
using System.Security.Cryptography;
using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Ingest;
using Meterline.HeadEnd.Keys;
using Meterline.HeadEnd.Meters;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// The DLMS implementation of <see cref="IPushDecoder"/>: verifies and decrypts a general-glo-ciphering push with the
/// meter's keys (one cached <see cref="AesGcmCipher"/> per meter and key generation), parses the DataNotification only
/// after the tag verified, and maps it with the meter profile's <see cref="PushLayout"/>. While a meter's keys are
/// rotating, a tag that fails under its current generation is tried under the neighbouring generations too.
/// </summary>
public sealed class DlmsPushDecoder : IPushDecoder, IDisposable
{
    private readonly PushCipherCache _ciphers;
    private readonly FrozenDictionary<string, PushBodyMapper> _mappers;
    private readonly bool _direct;

    /// <param name="keyring">The meters' keys.</param>
    /// <param name="profiles">The meter profiles in use; each needs a layout in <see cref="DlmsPushDecoderOptions.Layouts"/>.</param>
    /// <param name="options">Cache size and layouts.</param>
    /// <exception cref="InvalidOperationException">A profile has no layout, or a layout's register has no scaler in its profile.</exception>
    public DlmsPushDecoder(IMeterKeyring keyring, IEnumerable<MeterProfile> profiles, DlmsPushDecoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        ArgumentNullException.ThrowIfNull(profiles);
        options ??= new DlmsPushDecoderOptions();
        _ciphers = new PushCipherCache(keyring, options.MaxCachedCiphers);
        _direct = options.DirectUsagePath;
        _mappers = profiles.ToFrozenDictionary(
            p => p.Id,
            p => new PushBodyMapper(p, options.Layouts.TryGetValue(p.Id, out var layout) ? layout : throw new InvalidOperationException($"No push layout for profile {p.Id}.")),
            StringComparer.Ordinal);
    }

    /// <summary>Ciphers cached now.</summary>
    public int CachedCiphers => _ciphers.Count;

    /// <summary>Ciphers built from the keyring so far.</summary>
    public long CipherMisses => _ciphers.Misses;

    public async ValueTask<PushDecodeResult> DecodeAsync(InboundFrame frame, SecuredApduHeader header, Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(meter);
        if (!_mappers.TryGetValue(meter.ProfileId, out var mapper))
        {
            return PushDecodeResult.Refused(IngestRejectReason.Undecodable, $"no push layout for profile {meter.ProfileId}");
        }

        // The current generation, then (while rotating) the next and the previous; no allocation per push.
        var tries = meter.KeyStatus == KeyStatus.Rotating ? 3 : 1;
        var anyKeys = false;
        for (var attempt = 0; attempt < tries; attempt++)
        {
            var generation = attempt switch { 0 => meter.KeyGeneration, 1 => meter.KeyGeneration + 1, _ => meter.KeyGeneration - 1 };
            if (generation < 1)
            {
                continue;
            }

            using var lease = await _ciphers.AcquireAsync(meter.Id, generation, cancellationToken).ConfigureAwait(false);
            if (lease is null)
            {
                continue;
            }

            anyKeys = true;
            var outcome = Unprotect(frame.Apdu.Span, meter.SystemTitle, lease.Cipher, out var plaintext, out var length);
            try
            {
                if (outcome == UnprotectOutcome.BadTag)
                {
                    continue;
                }

                if (outcome == UnprotectOutcome.Malformed)
                {
                    return PushDecodeResult.Refused(IngestRejectReason.Malformed, "the ciphered content cannot be processed");
                }

                return Parse(plaintext.AsSpan(0, length), mapper, meter, header.InvocationCounter, frame.ReceivedAt);
            }
            finally
            {
                if (plaintext is not null)
                {
                    // Nothing decoded refers to the plaintext (the records hold copies); wipe it before it goes back.
                    CryptographicOperations.ZeroMemory(plaintext.AsSpan(0, length));
                    ArrayPool<byte>.Shared.Return(plaintext);
                }
            }
        }

        return anyKeys
            ? PushDecodeResult.Refused(IngestRejectReason.AuthenticationFailed)
            : PushDecodeResult.Refused(IngestRejectReason.NoKeys, $"no keys of generation {meter.KeyGeneration}");
    }

    /// <summary>Drops a meter's cached ciphers (call after its keys change).</summary>
    public void ForgetKeys(MeterId meter) => _ciphers.Forget(meter);

    public void Dispose() => _ciphers.Dispose();

    private PushDecodeResult Parse(ReadOnlySpan<byte> plaintext, PushBodyMapper mapper, Meter meter, uint invocationCounter, DateTimeOffset receivedAt)
    {
        // The profile's usage push, read straight from its bytes; anything it declines goes the generic way.
        if (_direct && mapper.Direct?.TryRead(plaintext, meter, invocationCounter) is { } push)
        {
            return PushDecodeResult.Decoded(push);
        }

        Apdu apdu;
        try
        {
            apdu = ApduCodec.Decode(plaintext);
        }
        catch (DlmsFormatException e)
        {
            return PushDecodeResult.Refused(IngestRejectReason.Undecodable, $"{e.Reason} at byte {e.Offset}");
        }

        return apdu is DataNotification notification
            ? mapper.Map(notification, meter, invocationCounter, receivedAt)
            : PushDecodeResult.Refused(IngestRejectReason.Undecodable, $"APDU 0x{apdu.Tag:X2} is not a DataNotification");
    }

    /// <summary>Verifies and decrypts into a pooled buffer (returned to the pool by the caller, also after a bad tag).</summary>
    private static UnprotectOutcome Unprotect(ReadOnlySpan<byte> apdu, MeterSystemTitle sender, AesGcmCipher cipher, out byte[]? plaintext, out int length)
    {
        plaintext = null;
        length = 0;
        try
        {
            if (!SecuredApduView.TryRead(apdu, out var view) || view.SystemTitle is not { } carried || carried.Value != sender.Value)
            {
                return UnprotectOutcome.Malformed;
            }

            var size = AesGcmCipher.GetPlaintextLength(view.CipheredContent);
            plaintext = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
            length = size;
            if (!cipher.TryUnprotect(view.CipheredContent, carried, plaintext.AsSpan(0, size), out var written))
            {
                return UnprotectOutcome.BadTag;
            }

            length = written;
            return UnprotectOutcome.Plaintext;
        }
        catch (DlmsException)
        {
            return UnprotectOutcome.Malformed;
        }
    }

    private enum UnprotectOutcome
    {
        Plaintext,
        BadTag,
        Malformed,
    }
}
