using System.Globalization;

namespace Meterline.Coap.Messages;

/// <summary>
/// A CoAP code (RFC 7252 §3, §12.1): a 3-bit class and a 5-bit detail, written <c>c.dd</c>. Class 0 holds the
/// request methods (0.00 is the Empty message), classes 2, 4 and 5 the responses.
/// </summary>
public readonly record struct CoapCode(byte Value)
{
    public static CoapCode Empty => new(0);

    public static CoapCode Get => new(1);

    public static CoapCode Post => new(2);

    public static CoapCode Put => new(3);

    public static CoapCode Delete => new(4);

    public static CoapCode Created => Of(2, 1);

    public static CoapCode Deleted => Of(2, 2);

    public static CoapCode Valid => Of(2, 3);

    public static CoapCode Changed => Of(2, 4);

    public static CoapCode Content => Of(2, 5);

    /// <summary>2.31 Continue (RFC 7959 §2.9.1): a Block1 block was received, send the next.</summary>
    public static CoapCode Continue => Of(2, 31);

    public static CoapCode BadRequest => Of(4, 0);

    public static CoapCode Unauthorized => Of(4, 1);

    public static CoapCode BadOption => Of(4, 2);

    public static CoapCode Forbidden => Of(4, 3);

    public static CoapCode NotFound => Of(4, 4);

    public static CoapCode MethodNotAllowed => Of(4, 5);

    public static CoapCode NotAcceptable => Of(4, 6);

    /// <summary>4.08 Request Entity Incomplete (RFC 7959 §2.9.2): a Block1 block out of order or without its start.</summary>
    public static CoapCode RequestEntityIncomplete => Of(4, 8);

    public static CoapCode PreconditionFailed => Of(4, 12);

    /// <summary>4.13 Request Entity Too Large (RFC 7252 §5.9.2.9, RFC 7959 §2.9.3).</summary>
    public static CoapCode RequestEntityTooLarge => Of(4, 13);

    public static CoapCode UnsupportedContentFormat => Of(4, 15);

    public static CoapCode InternalServerError => Of(5, 0);

    public static CoapCode NotImplemented => Of(5, 1);

    public static CoapCode ServiceUnavailable => Of(5, 3);

    public static CoapCode GatewayTimeout => Of(5, 4);

    public static CoapCode ProxyingNotSupported => Of(5, 5);

    /// <summary>The class (0 request, 2 success, 4 client error, 5 server error).</summary>
    public int Class => Value >> 5;

    /// <summary>The detail, 0 to 31.</summary>
    public int Detail => Value & 0x1F;

    public bool IsEmpty => Value == 0;

    /// <summary>A request method (0.01 to 0.31).</summary>
    public bool IsRequest => Class == 0 && Value != 0;

    /// <summary>A response (class 2 to 5).</summary>
    public bool IsResponse => Class is >= 2 and <= 5;

    public bool IsSuccess => Class == 2;

    public static CoapCode Of(int codeClass, int detail)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(codeClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(codeClass, 7);
        ArgumentOutOfRangeException.ThrowIfNegative(detail);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(detail, 31);
        return new CoapCode((byte)((codeClass << 5) | detail));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Class}.{Detail:D2}");
}
