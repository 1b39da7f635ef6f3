using Meterline.Coap.Blockwise;

namespace Meterline.Coap.Messages;

/// <summary>
/// One CoAP message (RFC 7252 §3): version 1, type, code, message id, token (0 to 8 bytes), options and payload.
/// Options are kept in the order given; the encoder writes them sorted by number (a stable sort, so the instances of
/// a repeatable option keep their order, §5.4.5). Byte values are held, not copied: a decoded message refers to the
/// datagram it was read from.
/// </summary>
public sealed record CoapMessage
{
    public const int Version = 1;

    public const int MaxTokenLength = 8;

    public CoapMessageType Type { get; init; }

    public CoapCode Code { get; init; }

    public ushort MessageId { get; init; }

    public ReadOnlyMemory<byte> Token { get; init; }

    public IReadOnlyList<CoapOption> Options { get; init; } = [];

    public ReadOnlyMemory<byte> Payload { get; init; }

    /// <summary>An Empty message (code 0.00, no token, options or payload, §4.1): an empty ACK, a Reset, a CoAP ping.</summary>
    public static CoapMessage Empty(CoapMessageType type, ushort messageId) => new() { Type = type, Code = CoapCode.Empty, MessageId = messageId };

    public bool IsEmpty => Code.IsEmpty;

    /// <summary>The first instance of an option, if present.</summary>
    public CoapOption? GetOption(CoapOptionNumber number)
    {
        foreach (var option in Options)
        {
            if (option.Number == (ushort)number)
            {
                return option;
            }
        }

        return null;
    }

    /// <summary>Every instance of a (repeatable) option, in order.</summary>
    public IEnumerable<CoapOption> GetOptions(CoapOptionNumber number) => Options.Where(o => o.Number == (ushort)number);

    /// <summary>The Uri-Path segments joined with "/" and a leading "/" (§6.5): "/" for none.</summary>
    public string UriPath => "/" + string.Join('/', GetOptions(CoapOptionNumber.UriPath).Select(o => o.GetString()));

    public int? ContentFormat => GetOption(CoapOptionNumber.ContentFormat) is { } option ? (int)option.GetUInt() : null;

    public BlockOption? Block1 => GetOption(CoapOptionNumber.Block1) is { } option ? BlockOption.Decode(option.Value.Span) : null;

    public BlockOption? Block2 => GetOption(CoapOptionNumber.Block2) is { } option ? BlockOption.Decode(option.Value.Span) : null;

    public uint? Size1 => GetOption(CoapOptionNumber.Size1)?.GetUInt();

    public uint? Size2 => GetOption(CoapOptionNumber.Size2)?.GetUInt();

    /// <summary>This message with <paramref name="number"/>'s instances replaced by <paramref name="replacement"/> (none to remove it).</summary>
    public CoapMessage WithOption(CoapOptionNumber number, params CoapOption[] replacement) =>
        this with { Options = [.. Options.Where(o => o.Number != (ushort)number), .. replacement] };

    /// <summary>Uri-Path options for <paramref name="path"/> ("/a/b" → "a", "b").</summary>
    public static IEnumerable<CoapOption> PathOptions(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => CoapOption.FromString(CoapOptionNumber.UriPath, s));
    }

    public override string ToString() => $"{Type} {Code} mid={MessageId} token={Convert.ToHexString(Token.Span)} {Options.Count} options {Payload.Length}-byte payload";
}
