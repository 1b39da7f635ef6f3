using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Simulator.Provisioning;

namespace Meterline.Simulator.Attacks;

/// <summary>
/// Makes the secured pushes a flood sends as a provisioned meter: DataNotifications protected with the meter's own
/// keys from the provisioning file (general-glo-ciphering, authenticated and encrypted), so they pass every check of
/// the head-end's guard but its rate limits, and invocation counters that rise from <paramref name="firstCounter"/>.
/// A flood with a meter's keys makes the meter's own later pushes stale (their counters are lower): run it against
/// a meter kept for the purpose. Not thread-safe: one per sending loop.
/// </summary>
public sealed class AttackFrames : IDisposable
{
    private readonly AesGcmCipher _cipher;
    private readonly SystemTitle _sender;
    private uint _counter;

    public AttackFrames(ProvisionedMeter meter, uint firstCounter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        if (meter.Keys.GlobalUnicastEncryptionKey.IsEmpty || meter.Keys.AuthenticationKey.IsEmpty)
        {
            throw new ArgumentException($"Meter {meter.Id} has no unicast encryption or authentication key in the provisioning file.", nameof(meter));
        }

        _cipher = new AesGcmCipher(CipherKey.FromBytes(meter.Keys.GlobalUnicastEncryptionKey.Span), CipherKey.FromBytes(meter.Keys.AuthenticationKey.Span));
        _sender = meter.SystemTitle;
        _counter = firstCounter;
    }

    /// <summary>
    /// A counter above any the meter has used in a simulation: the seconds since 2020 times 64, so that floods run one
    /// after the other keep rising (until 2040).
    /// </summary>
    public static uint CounterNow(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var seconds = (time.GetUtcNow() - new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero)).TotalSeconds;
        return (uint)Math.Clamp(seconds * 64, 1, uint.MaxValue - 1);
    }

    /// <summary>The next push: an unconfirmed DataNotification without time, carrying an empty structure, under the next counter.</summary>
    public byte[] Next()
    {
        var counter = _counter == uint.MaxValue ? uint.MaxValue : _counter++;
        var notification = new DataNotification(new LongInvokeIdAndPriority(counter & LongInvokeIdAndPriority.MaxLongInvokeId, confirmed: false, highPriority: false), null,
            new CosemData.Structure(System.Collections.Immutable.ImmutableArray<CosemData>.Empty));
        return GeneralGloCiphering.Protect(_cipher, SecurityControl.AuthenticatedEncryption, _sender, counter, notification.ToArray()).ToArray();
    }

    /// <summary>A frame a meter could have sent but no registered meter did: general-glo-ciphering under a random system title, random ciphered content and tag.</summary>
    public static byte[] Anonymous()
    {
        var content = new byte[5 + 48 + AesGcmCipher.TagLength];
        System.Security.Cryptography.RandomNumberGenerator.Fill(content);
        content[0] = SecurityControl.AuthenticatedEncryption.Value;
        var title = new byte[SystemTitle.Length];
        System.Security.Cryptography.RandomNumberGenerator.Fill(title);
        return new GeneralGloCiphering(new SystemTitle(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(title)), content).ToArray();
    }

    public void Dispose() => _cipher.Dispose();
}
