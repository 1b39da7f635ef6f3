using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Meterline.Coap.Endpoints;
using Meterline.Coap.Messages;
using Meterline.Dlms.Links;

namespace Meterline.HeadEnd.Coap;

/// <summary>
/// One DLMS link over CoAP (<see cref="CoapLinkOpener"/>): <see cref="SendAsync"/> POSTs the APDU and waits for the
/// response, whose body (if any) <see cref="ReceiveAsync"/> returns. A failed exchange (no acknowledgement, a Reset,
/// a response other than 2.04/2.05) ends the link with a <see cref="DlmsLinkException"/>.
/// </summary>
internal sealed class CoapApduLink : IApduLink
{
    private readonly CoapEndpoint _endpoint;
    private readonly IPEndPoint _meter;
    private readonly string _path;
    private readonly IReadOnlyList<CoapOption> _options;
    private readonly Channel<ReadOnlyMemory<byte>> _responses;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _disposed;

    public CoapApduLink(CoapEndpoint endpoint, IPEndPoint meter, string path, ushort clientWPort, int maxQueued)
    {
        _endpoint = endpoint;
        _meter = meter;
        _path = path;
        _options =
        [
            CoapOption.FromUInt(CoapOptionNumber.ContentFormat, CoapContentFormat.OctetStream),
            CoapOption.FromString(CoapOptionNumber.UriQuery, string.Create(CultureInfo.InvariantCulture, $"wport={clientWPort}")),
        ];
        _responses = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(maxQueued) { SingleReader = true, SingleWriter = true });
        _loop = endpoint.RunAsync(_stop.Token);
    }

    public Task Completion => _completion.Task;

    public async ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        CoapClientResponse response;
        try
        {
            response = await new CoapClient(_endpoint).RequestAsync(_meter, CoapCode.Post, _path, apdu, _options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (CoapExchangeException e)
        {
            throw Fail(new DlmsLinkException($"CoAP exchange with {_meter}{_path} failed: {e.Message}", e.IsTransient, e));
        }

        if (response.Code != CoapCode.Changed && response.Code != CoapCode.Content)
        {
            throw Fail(new DlmsLinkException($"{_meter}{_path} answered {response.Code}", isTransient: response.Code.Class == 5));
        }

        if (!response.Body.IsEmpty && !_responses.Writer.TryWrite(response.Body))
        {
            throw Fail(new DlmsLinkException("Response APDUs were not received; the link is closed.", isTransient: true));
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _responses.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e)
        {
            throw e.InnerException as DlmsLinkException ?? new DlmsLinkException("The CoAP link is closed.", isTransient: true, e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _responses.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        await _endpoint.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _completion.TrySetResult();
    }

    private DlmsLinkException Fail(DlmsLinkException error)
    {
        _responses.Writer.TryComplete(error);
        _completion.TrySetException(error);
        return error;
    }
}
