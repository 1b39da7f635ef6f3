namespace Meterline.HeadEnd.Keys;

/// <summary>
/// A key provider cannot start or keep its keys: a key file that others may read, a key of the wrong length, a
/// missing variable or token. The message says what and where, never a key or PIN.
/// </summary>
public sealed class KeyProviderException : Exception
{
    public KeyProviderException()
    {
    }

    public KeyProviderException(string message)
        : base(message)
    {
    }

    public KeyProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
