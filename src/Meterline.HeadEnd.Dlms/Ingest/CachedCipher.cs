using Meterline.Dlms.Security;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>A cipher in the <see cref="PushCipherCache"/>, reference-counted (the cache's own reference plus one per lease).</summary>
internal sealed class CachedCipher
{
    private int _references = 1;

    public CachedCipher(AesGcmCipher cipher)
    {
        Cipher = cipher;
    }

    public AesGcmCipher Cipher { get; }

    /// <summary>Adds a lease's reference; called only while the cache still holds its own, so it never revives a disposed cipher.</summary>
    public CipherLease Lease()
    {
        Interlocked.Increment(ref _references);
        return new CipherLease(this);
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Cipher.Dispose();
        }
    }
}
