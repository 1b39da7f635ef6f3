using Meterline.Dlms.Security;

namespace Meterline.HeadEnd.Dlms.Ingest;

/// <summary>
/// A use of a cached cipher. The cache holds one reference and each lease one more; the cipher (and the key bytes it
/// holds) is disposed when the last reference goes, so eviction never disposes a cipher in use.
/// </summary>
internal sealed class CipherLease : IDisposable
{
    private readonly CachedCipher _entry;
    private int _disposed;

    public CipherLease(CachedCipher entry)
    {
        _entry = entry;
    }

    public AesGcmCipher Cipher => _entry.Cipher;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _entry.Release();
        }
    }
}
