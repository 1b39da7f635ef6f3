using System.Net;
using Meterline.Coap.Blockwise;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>The server role: requests to the handler, responses piggybacked or separate, block-wise bodies.</summary>
public sealed partial class CoapEndpoint
{
    private async Task HandleRequestAsync(IPEndPoint remote, CoapMessage request, int requestLength, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Yield();
            var confirmable = request.Type == CoapMessageType.Confirmable;
            foreach (var option in request.Options)
            {
                if (option.IsCritical && !CoapOptionProperties.IsRecognized(option.Number))
                {
                    // §5.4.1: an unrecognized critical option in a CON request is answered 4.02 Bad Option; a NON
                    // request with one is rejected, which we do by ignoring it (§4.3 allows either).
                    if (confirmable)
                    {
                        await ReplyAsync(remote, request, requestLength, CoapResponse.Of(CoapCode.BadOption), cancellationToken).ConfigureAwait(false);
                    }

                    return;
                }
            }

            if (request.GetOption(CoapOptionNumber.ProxyUri) is not null || request.GetOption(CoapOptionNumber.ProxyScheme) is not null)
            {
                // §5.7.2: this endpoint is no proxy.
                await ReplyAsync(remote, request, requestLength, CoapResponse.Of(CoapCode.ProxyingNotSupported), cancellationToken).ConfigureAwait(false);
                return;
            }

            BlockOption? block1;
            BlockOption? block2;
            try
            {
                block1 = request.Block1;
                block2 = request.Block2;
            }
            catch (CoapFormatException)
            {
                // RFC 7959 §2.2: a reserved SZX (or an over-long block option) in a request is answered 4.00.
                await ReplyAsync(remote, request, requestLength, CoapResponse.Of(CoapCode.BadRequest), cancellationToken).ConfigureAwait(false);
                return;
            }

            var body = request.Payload;
            if (block1 is { } first)
            {
                var whole = _blockwise.AddBlock(remote, request, first, out var answer, out var oversize);
                if (oversize)
                {
                    Interlocked.Increment(ref _oversize);
                    _options.Dropped?.Invoke(remote, CoapDropReason.Oversize, (int)Math.Min(int.MaxValue, request.Size1 ?? (uint)_options.MaxBodySize));
                }

                if (whole is not { } complete)
                {
                    await ReplyAsync(remote, request, requestLength, answer!, cancellationToken).ConfigureAwait(false);
                    return;
                }

                body = complete;
            }

            if (block2 is { Number: > 0 } && _blockwise.FindResponse(remote, request.UriPath) is { } stored)
            {
                await ReplyAsync(remote, request, requestLength, stored, cancellationToken).ConfigureAwait(false);
                return;
            }

            if (_handler is null)
            {
                await ReplyAsync(remote, request, requestLength, CoapResponse.Of(CoapCode.NotFound), cancellationToken).ConfigureAwait(false);
                return;
            }

            var handling = InvokeHandlerAsync(new CoapRequest(remote, request, body), cancellationToken);
            if (confirmable && !handling.IsCompleted)
            {
                using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(_options.PiggybackWindow, _options.TimeProvider, window.Token);
                if (await Task.WhenAny(handling, delay).ConfigureAwait(false) != handling)
                {
                    await SendSeparateResponseAsync(remote, request, requestLength, handling, cancellationToken).ConfigureAwait(false);
                    return;
                }

                await window.CancelAsync().ConfigureAwait(false);
            }

            await ReplyAsync(remote, request, requestLength, await handling.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            _requestSlots.Release();
        }
    }

    private async Task<CoapResponse> InvokeHandlerAsync(CoapRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await _handler!(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A handler must not throw; if one does, the requester learns only that the server failed.
            return CoapResponse.Of(CoapCode.InternalServerError);
        }
    }

    private async Task SendSeparateResponseAsync(IPEndPoint remote, CoapMessage request, int requestLength, Task<CoapResponse> handling, CancellationToken cancellationToken)
    {
        // §5.2.2: acknowledge now with an empty ACK (sent again for duplicates of the request), answer later in a CON.
        var ack = CoapMessageWriter.Encode(CoapMessage.Empty(CoapMessageType.Acknowledgement, request.MessageId));
        _deduplicator.SetReply(remote, request.MessageId, ack);
        await SendBytesAsync(remote, ack, cancellationToken).ConfigureAwait(false);

        var response = await handling.ConfigureAwait(false);
        var message = BuildResponse(remote, request, requestLength, response) with { Type = CoapMessageType.Confirmable, MessageId = NextMessageId() };
        try
        {
            await TransmitConfirmableAsync(remote, message.MessageId, CoapMessageWriter.Encode(message), null, cancellationToken).ConfigureAwait(false);
        }
        catch (CoapExchangeException)
        {
            // Never acknowledged: the requester has gone or will ask again with a new request.
        }
    }

    private async ValueTask ReplyAsync(IPEndPoint remote, CoapMessage request, int requestLength, CoapResponse response, CancellationToken cancellationToken)
    {
        var message = BuildResponse(remote, request, requestLength, response);
        if (request.Type == CoapMessageType.Confirmable)
        {
            // §5.2.1: piggybacked in the ACK, same message id and token.
            message = message with { Type = CoapMessageType.Acknowledgement, MessageId = request.MessageId };
        }
        else
        {
            // §5.2.3: a NON request is answered by a NON response with a message id of its own.
            message = message with { Type = CoapMessageType.NonConfirmable, MessageId = NextMessageId() };
        }

        var bytes = CoapMessageWriter.Encode(message);
        if (request.Type == CoapMessageType.Confirmable)
        {
            _deduplicator.SetReply(remote, request.MessageId, bytes);
        }

        await SendBytesAsync(remote, bytes, cancellationToken).ConfigureAwait(false);
    }

    private CoapMessage BuildResponse(IPEndPoint remote, CoapMessage request, int requestLength, CoapResponse response)
    {
        List<CoapOption> options = [.. response.Options];
        var payload = response.Payload;
        if (response.Code.IsSuccess && response.Code != CoapCode.Continue && request.Block1 is { More: false } last)
        {
            // RFC 7959 §2.3: the response to the last block echoes its Block1 option.
            options.Add(last.ToOption(CoapOptionNumber.Block1));
        }

        BlockOption? requested = request.Block2;
        var size = Math.Min(requested?.Size ?? _options.BlockSize, _options.BlockSize);
        if (payload.Length > size || requested is { Number: > 0 })
        {
            var number = requested?.Number ?? 0;
            if (number == 0)
            {
                _blockwise.StoreResponse(remote, request.UriPath, response);
                options.Add(CoapOption.FromUInt(CoapOptionNumber.Size2, (uint)payload.Length));
            }

            var offset = (long)number * size;
            if (offset >= payload.Length)
            {
                options = [];
                payload = ReadOnlyMemory<byte>.Empty;
                response = CoapResponse.Of(CoapCode.BadOption);
            }
            else
            {
                var length = (int)Math.Min(size, payload.Length - offset);
                options.Add(new BlockOption(number, offset + length < payload.Length, BlockOption.ExponentOf(size)).ToOption(CoapOptionNumber.Block2));
                payload = payload.Slice((int)offset, length);
            }
        }

        var message = new CoapMessage { Code = response.Code, Token = request.Token, Options = options, Payload = payload };
        if (_options.LimitResponseSize && !response.MayExceedRequestSize && CoapMessageWriter.GetEncodedLength(message) > requestLength)
        {
            // The amplification rule (docs/coap.md): never answer an unauthenticated request with more bytes than it
            // had. Drop the payload, then the options; header and token alone are never longer than the request.
            Interlocked.Increment(ref _trimmed);
            message = message with { Payload = ReadOnlyMemory<byte>.Empty };
            if (CoapMessageWriter.GetEncodedLength(message) > requestLength)
            {
                message = message with { Options = [] };
            }
        }

        return message;
    }
}
