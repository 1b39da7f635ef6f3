using System.Net;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;

namespace Meterline.Coap.Blockwise;

/// <summary>
/// The server side of RFC 7959 for one endpoint: Block1 request bodies being reassembled and Block2 response bodies
/// being served, each keyed by (peer, Uri-Path), at most <see cref="CoapEndpointOptions.MaxBlockwiseTransfers"/> of
/// each, forgotten after EXCHANGE_LIFETIME. A body is never buffered beyond <see cref="CoapEndpointOptions.MaxBodySize"/>.
/// Thread-safe.
/// </summary>
public sealed class BlockwiseTransfers
{
    private readonly Dictionary<(IPEndPoint Peer, string Path), Reassembly> _requests = [];
    private readonly Dictionary<(IPEndPoint Peer, string Path), StoredBody> _responses = [];
    private readonly Lock _lock = new();
    private readonly CoapEndpointOptions _options;
    private readonly long _lifetime;

    public BlockwiseTransfers(CoapEndpointOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _lifetime = (long)(options.ExchangeLifetime.TotalSeconds * options.TimeProvider.TimestampFrequency);
    }

    public int ActiveReassemblies
    {
        get
        {
            lock (_lock)
            {
                return _requests.Count;
            }
        }
    }

    /// <summary>
    /// Takes one Block1 block. Returns the whole body when this was the last block; otherwise null and, in
    /// <paramref name="answer"/>, 2.31 Continue or the error (4.08 out of order, 4.13 too large with Size1, 4.00 a short
    /// non-final block, 5.03 no room).
    /// </summary>
    public ReadOnlyMemory<byte>? AddBlock(IPEndPoint peer, CoapMessage request, BlockOption block, out CoapResponse? answer, out bool oversize)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = (peer, request.UriPath);
        var payload = request.Payload;
        oversize = false;
        lock (_lock)
        {
            var now = _options.TimeProvider.GetTimestamp();
            if (block.Number == 0)
            {
                if (request.Size1 is { } announced && announced > _options.MaxBodySize)
                {
                    _requests.Remove(key);
                    oversize = true;
                    answer = TooLarge();
                    return null;
                }

                if (!_requests.ContainsKey(key) && !MakeRoom(_requests, now))
                {
                    answer = CoapResponse.Of(CoapCode.ServiceUnavailable);
                    return null;
                }

                _requests[key] = new Reassembly();
            }

            if (!_requests.TryGetValue(key, out var reassembly) || reassembly.Length != block.Offset)
            {
                // RFC 7959 §2.9.2: a block that does not continue the body received so far.
                _requests.Remove(key);
                answer = CoapResponse.Of(CoapCode.RequestEntityIncomplete);
                return null;
            }

            if (block.More && payload.Length != block.Size)
            {
                _requests.Remove(key);
                answer = CoapResponse.Of(CoapCode.BadRequest);
                return null;
            }

            if (reassembly.Length + payload.Length > _options.MaxBodySize)
            {
                _requests.Remove(key);
                oversize = true;
                answer = TooLarge();
                return null;
            }

            reassembly.Append(payload.Span);
            reassembly.ExpiresAt = now + _lifetime;
            if (block.More)
            {
                answer = new CoapResponse(CoapCode.Continue, [block.ToOption(CoapOptionNumber.Block1)], ReadOnlyMemory<byte>.Empty);
                return null;
            }

            _requests.Remove(key);
            answer = null;
            return reassembly.ToArray();
        }
    }

    /// <summary>Keeps a response body for the Block2 requests that follow (replacing an earlier one).</summary>
    public void StoreResponse(IPEndPoint peer, string path, CoapResponse response)
    {
        lock (_lock)
        {
            var now = _options.TimeProvider.GetTimestamp();
            if (!_responses.ContainsKey((peer, path)) && !MakeRoom(_responses, now))
            {
                return;
            }

            _responses[(peer, path)] = new StoredBody(response) { ExpiresAt = now + _lifetime };
        }
    }

    /// <summary>The response body kept for (peer, path), if any.</summary>
    public CoapResponse? FindResponse(IPEndPoint peer, string path)
    {
        lock (_lock)
        {
            return _responses.TryGetValue((peer, path), out var stored) && stored.ExpiresAt > _options.TimeProvider.GetTimestamp() ? stored.Response : null;
        }
    }

    private CoapResponse TooLarge() => new(CoapCode.RequestEntityTooLarge, [CoapOption.FromUInt(CoapOptionNumber.Size1, (uint)_options.MaxBodySize)], ReadOnlyMemory<byte>.Empty);

    private bool MakeRoom<T>(Dictionary<(IPEndPoint, string), T> table, long now)
        where T : IExpiring
    {
        if (table.Count < _options.MaxBlockwiseTransfers)
        {
            return true;
        }

        foreach (var expired in table.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
        {
            table.Remove(expired);
        }

        return table.Count < _options.MaxBlockwiseTransfers;
    }

    private interface IExpiring
    {
        long ExpiresAt { get; }
    }

    private sealed class Reassembly : IExpiring
    {
        private byte[] _buffer = new byte[256];

        public int Length { get; private set; }

        public long ExpiresAt { get; set; }

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (Length + bytes.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes.Length));
            }

            bytes.CopyTo(_buffer.AsSpan(Length));
            Length += bytes.Length;
        }

        public byte[] ToArray() => _buffer.AsSpan(0, Length).ToArray();
    }

    private sealed class StoredBody(CoapResponse response) : IExpiring
    {
        public CoapResponse Response { get; } = response;

        public long ExpiresAt { get; init; }
    }
}
