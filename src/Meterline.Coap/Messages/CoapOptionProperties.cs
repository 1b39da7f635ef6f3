namespace Meterline.Coap.Messages;

/// <summary>
/// What an option number says about its option (RFC 7252 §5.4.6): bit 0 critical (else elective), bit 1 unsafe to
/// forward, and bits 1–4 equal to 11100 (binary) for an option that is not part of the cache key.
/// </summary>
public static class CoapOptionProperties
{
    /// <summary>Critical: an endpoint that does not recognize it must reject the message (§5.4.1).</summary>
    public static bool IsCritical(int number) => (number & 1) != 0;

    /// <summary>Elective: an endpoint that does not recognize it silently ignores it (§5.4.1).</summary>
    public static bool IsElective(int number) => (number & 1) == 0;

    /// <summary>Unsafe to forward by a proxy that does not understand it (§5.4.2).</summary>
    public static bool IsUnsafe(int number) => (number & 2) != 0;

    /// <summary>NoCacheKey (§5.4.2): only meaningful for safe-to-forward options.</summary>
    public static bool IsNoCacheKey(int number) => (number & 0x1E) == 0x1C;

    /// <summary>An option this implementation recognizes (the registered ones of <see cref="CoapOptionNumber"/>).</summary>
    public static bool IsRecognized(int number) => number is >= 0 and <= ushort.MaxValue && Enum.IsDefined((CoapOptionNumber)number);
}
