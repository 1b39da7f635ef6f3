using System.Security.Cryptography;

namespace Meterline.HeadEnd.Keys;

/// <summary>
/// A wrapped secret could not be unwrapped: it was altered, wrapped under another key-encryption key or by another
/// provider, or bound to another meter, kind or generation. The message names ids and bindings, never a key.
/// </summary>
public sealed class KeyUnwrapException : CryptographicException
{
    public KeyUnwrapException()
    {
    }

    public KeyUnwrapException(string message)
        : base(message)
    {
    }

    public KeyUnwrapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
