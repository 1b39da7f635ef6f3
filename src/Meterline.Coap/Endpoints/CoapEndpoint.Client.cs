using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Endpoints;

/// <summary>The client role: one request, one response, with the message layer's reliability.</summary>
public sealed partial class CoapEndpoint
{
    private readonly PeerGates _peers;

    /// <summary>
    /// Sends one request (a CON is retransmitted per §4.2 until acknowledged) and returns its response, piggybacked
    /// or separate. The message id is assigned here, and a random 8-byte token when the request has none. At most one
    /// request per peer is outstanding (NSTART 1); others wait. Block-wise transfers are <see cref="CoapClient"/>'s.
    /// </summary>
    /// <exception cref="CoapExchangeException">No acknowledgement after MAX_RETRANSMIT retransmissions, a Reset, no response in time, or no room.</exception>
    public async Task<CoapMessage> SendAsync(IPEndPoint remote, CoapMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Code.IsRequest || request.Type is not (CoapMessageType.Confirmable or CoapMessageType.NonConfirmable))
        {
            throw new ArgumentException("Only CON or NON requests are sent with SendAsync.", nameof(request));
        }

        if (request.Token.Length is not (0 or 8))
        {
            throw new ArgumentException("A request's token is empty (a random one is drawn) or 8 bytes.", nameof(request));
        }

        remote = Normalize(remote);
        using var gate = await _peers.EnterAsync(remote, cancellationToken).ConfigureAwait(false);
        var token = request.Token.IsEmpty ? RandomNumberGenerator.GetBytes(8) : request.Token.ToArray();
        var message = request with { MessageId = NextMessageId(), Token = token };
        var bytes = CoapMessageWriter.Encode(message);
        if (bytes.Length > _options.Limits.MaxMessageSize)
        {
            throw new ArgumentException($"The {bytes.Length}-byte request exceeds the {_options.Limits.MaxMessageSize}-byte message size; send it block-wise.", nameof(request));
        }

        var key = (remote, BinaryPrimitives.ReadUInt64BigEndian(token));
        var response = new TaskCompletionSource<CoapMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_awaitingResponse.Count >= _options.MaxPendingExchanges || !_awaitingResponse.TryAdd(key, response))
        {
            throw new CoapExchangeException("Too many requests are outstanding.", isTransient: true);
        }

        try
        {
            if (message.Type == CoapMessageType.Confirmable)
            {
                var ack = await TransmitConfirmableAsync(remote, message.MessageId, bytes, response.Task, cancellationToken).ConfigureAwait(false);
                if (ack?.Type == CoapMessageType.Reset)
                {
                    throw new CoapExchangeException($"{remote} reset the request.", isTransient: false);
                }

                if (ack is { Code.IsResponse: true })
                {
                    return ack;
                }
            }
            else
            {
                await SendBytesAsync(remote, bytes, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                return await response.Task.WaitAsync(_options.ResponseTimeout, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException e)
            {
                throw new CoapExchangeException($"No response from {remote} within {_options.ResponseTimeout.TotalSeconds:0.#} s.", e);
            }
        }
        finally
        {
            _awaitingResponse.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// Sends a Confirmable message and its retransmissions (§4.2) until an ACK or RST with its message id arrives
    /// (returned), or <paramref name="alsoDone"/> completes (a separate response that overtook the ACK: null).
    /// </summary>
    private async Task<CoapMessage?> TransmitConfirmableAsync(IPEndPoint remote, ushort messageId, byte[] bytes, Task? alsoDone, CancellationToken cancellationToken)
    {
        var key = (remote, messageId);
        var ack = new TaskCompletionSource<CoapMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_awaitingAck.Count >= _options.MaxPendingExchanges || !_awaitingAck.TryAdd(key, ack))
        {
            throw new CoapExchangeException("Too many Confirmable messages are outstanding.", isTransient: true);
        }

        try
        {
            var attempt = 0;
            foreach (var timeout in RetransmissionSchedule.Timeouts(RetransmissionSchedule.InitialTimeout(_options), _options.MaxRetransmit))
            {
                if (attempt++ > 0)
                {
                    Interlocked.Increment(ref _retransmissions);
                }

                await SendBytesAsync(remote, bytes, cancellationToken).ConfigureAwait(false);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(timeout, _options.TimeProvider, wait.Token);
                var done = alsoDone is null ? await Task.WhenAny(ack.Task, delay).ConfigureAwait(false) : await Task.WhenAny(ack.Task, alsoDone, delay).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                if (done == ack.Task)
                {
                    return await ack.Task.ConfigureAwait(false);
                }

                if (done == alsoDone)
                {
                    return null;
                }
            }

            throw new CoapExchangeException($"{remote} did not acknowledge message {messageId} after {_options.MaxRetransmit} retransmissions.", isTransient: true);
        }
        finally
        {
            _awaitingAck.TryRemove(key, out _);
        }
    }

    private async ValueTask OnResponseAsync(IPEndPoint remote, CoapMessage message, CancellationToken cancellationToken)
    {
        var confirmable = message.Type == CoapMessageType.Confirmable;
        if (confirmable && _deduplicator.Register(remote, message.MessageId, confirmable: true, out var reply) != DeduplicationResult.New)
        {
            // A separate response sent again (our ACK was lost): acknowledge it again, handle it once.
            Interlocked.Increment(ref _duplicates);
            if (reply is not null)
            {
                await SendBytesAsync(remote, reply, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (message.Token.Length == 8 && _awaitingResponse.TryGetValue((remote, BinaryPrimitives.ReadUInt64BigEndian(message.Token.Span)), out var waiter))
        {
            if (confirmable)
            {
                var ack = CoapMessageWriter.Encode(CoapMessage.Empty(CoapMessageType.Acknowledgement, message.MessageId));
                _deduplicator.SetReply(remote, message.MessageId, ack);
                await SendBytesAsync(remote, ack, cancellationToken).ConfigureAwait(false);
            }

            waiter.TrySetResult(message);
            return;
        }

        // §5.3.2: a response with a token we did not send is rejected: a CON with a Reset, a NON silently.
        if (confirmable)
        {
            var reset = CoapMessageWriter.Encode(CoapMessage.Empty(CoapMessageType.Reset, message.MessageId));
            _deduplicator.SetReply(remote, message.MessageId, reset);
            Interlocked.Increment(ref _resetsSent);
            await SendBytesAsync(remote, reset, cancellationToken).ConfigureAwait(false);
        }
    }
}
