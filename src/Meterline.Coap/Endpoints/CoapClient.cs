using System.Net;
using Meterline.Coap.Blockwise;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>
/// Requests with whole bodies over a <see cref="CoapEndpoint"/>: a request body larger than a block goes Block1-wise
/// (RFC 7959 §2.5, following a smaller block size the server asks for), and a response that comes Block2-wise is
/// fetched block by block (§2.4) up to <see cref="CoapEndpointOptions.MaxBodySize"/>.
/// </summary>
public sealed class CoapClient
{
    private readonly CoapEndpoint _endpoint;

    public CoapClient(CoapEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        _endpoint = endpoint;
    }

    /// <summary>Sends <paramref name="method"/> to <paramref name="path"/> with <paramref name="body"/> and returns the final response with its whole body.</summary>
    /// <exception cref="CoapExchangeException">An exchange failed, or a block-wise transfer went wrong.</exception>
    public async Task<CoapClientResponse> RequestAsync(IPEndPoint remote, CoapCode method, string path, ReadOnlyMemory<byte> body,
        IReadOnlyList<CoapOption>? options = null, bool confirmable = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(path);
        var type = confirmable ? CoapMessageType.Confirmable : CoapMessageType.NonConfirmable;
        List<CoapOption> baseOptions = [.. CoapMessage.PathOptions(path), .. options ?? []];
        var limits = _endpoint.Options;
        var size = limits.BlockSize;
        CoapMessage response;
        if (body.Length <= size)
        {
            response = await _endpoint.SendAsync(remote, new CoapMessage { Type = type, Code = method, Options = baseOptions, Payload = body }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            response = await SendBlock1Async(remote, type, method, baseOptions, body, size, cancellationToken).ConfigureAwait(false);
        }

        return await CollectBlock2Async(remote, type, method, baseOptions, response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<CoapMessage> SendBlock1Async(IPEndPoint remote, CoapMessageType type, CoapCode method, List<CoapOption> options, ReadOnlyMemory<byte> body, int size, CancellationToken cancellationToken)
    {
        long offset = 0;
        while (true)
        {
            var number = (uint)(offset / size);
            var length = (int)Math.Min(size, body.Length - offset);
            var more = offset + length < body.Length;
            List<CoapOption> blockOptions = [.. options, new BlockOption(number, more, BlockOption.ExponentOf(size)).ToOption(CoapOptionNumber.Block1)];
            if (number == 0)
            {
                blockOptions.Add(CoapOption.FromUInt(CoapOptionNumber.Size1, (uint)body.Length));
            }

            var request = new CoapMessage { Type = type, Code = method, Options = blockOptions, Payload = body.Slice((int)offset, length) };
            var response = await _endpoint.SendAsync(remote, request, cancellationToken).ConfigureAwait(false);
            if (!more || response.Code != CoapCode.Continue)
            {
                return response;
            }

            var granted = response.Block1;
            if (granted is { } block && block.Size < size)
            {
                // §2.5: the server asks for smaller blocks; continue with its size from where we are.
                size = block.Size;
            }

            offset += length;
        }
    }

    private async Task<CoapClientResponse> CollectBlock2Async(IPEndPoint remote, CoapMessageType type, CoapCode method, List<CoapOption> options, CoapMessage response, CancellationToken cancellationToken)
    {
        if (response.Block2 is not { More: true } block)
        {
            return new CoapClientResponse(response, response.Payload);
        }

        var maxBody = _endpoint.Options.MaxBodySize;
        var announced = response.Size2;
        if (announced > maxBody)
        {
            throw new CoapExchangeException($"The response body of {announced} bytes exceeds {maxBody} bytes.", isTransient: false);
        }

        using var buffer = new MemoryStream();
        buffer.Write(response.Payload.Span);
        var size = block.Size;
        while (true)
        {
            var number = (uint)(buffer.Length / size);
            var request = new CoapMessage
            {
                Type = type,
                Code = method == CoapCode.Post || method == CoapCode.Put ? method : CoapCode.Get,
                Options = [.. options, new BlockOption(number, false, BlockOption.ExponentOf(size)).ToOption(CoapOptionNumber.Block2)],
            };
            var next = await _endpoint.SendAsync(remote, request, cancellationToken).ConfigureAwait(false);
            if (next.Block2 is not { } got || got.Offset != buffer.Length || !next.Code.IsSuccess)
            {
                throw new CoapExchangeException($"Block {number} of the response from {remote} came back as {next.Code} {next.Block2}.", isTransient: false);
            }

            if (buffer.Length + next.Payload.Length > maxBody)
            {
                throw new CoapExchangeException($"The response body exceeds {maxBody} bytes.", isTransient: false);
            }

            buffer.Write(next.Payload.Span);
            if (!got.More)
            {
                return new CoapClientResponse(next, buffer.ToArray());
            }

            size = got.Size;
        }
    }
}
