using Meterline.Dlms.Apdus;
using Meterline.Dlms.Links;
using Meterline.Dlms.Security;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// Sends the client's service-specific glo-ciphered requests (glo-get/set/action-request) as general-glo-ciphering
/// (Green Book 9.2.7.2.4.6), carrying the head-end's system title. The ciphered content (SC ‖ IC ‖ ciphertext ‖ tag)
/// is the same in both forms — the APDU tag is not authenticated and the IV is the sender's system title and the
/// counter either way — so nothing is re-ciphered. Everything else (the AARQ, the RLRQ) passes unchanged; responses
/// are untouched (the client reads both forms).
/// </summary>
internal sealed class GeneralGloCipheringLink(IApduLink inner, SystemTitle sender) : IApduLink
{
    private const byte GloGetRequest = 0xC8;
    private const byte GloSetRequest = 0xC9;
    private const byte GloActionRequest = 0xCB;

    public Task Completion => inner.Completion;

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        if (apdu.Length > 0 && apdu.Span[0] is GloGetRequest or GloSetRequest or GloActionRequest
            && ApduCodec.Decode(apdu.Span) is CipheredApdu { IsDedicated: false } ciphered)
        {
            return inner.SendAsync(new GeneralGloCiphering(sender, ciphered.CipheredContent).ToArray(), cancellationToken);
        }

        return inner.SendAsync(apdu, cancellationToken);
    }

    public ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default) => inner.ReceiveAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
