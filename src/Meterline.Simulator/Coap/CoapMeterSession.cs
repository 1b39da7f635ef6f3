using System.Threading.Channels;
using Meterline.Dlms.Links;

namespace Meterline.Simulator.Coap;

/// <summary>
/// The meter's side of one head-end association over CoAP: each POSTed request APDU is handed to the meter's
/// <see cref="DlmsServer"/> through <see cref="ReceiveAsync"/>, and the APDU the server sends back completes the
/// request. Requests come one at a time (the head-end's NSTART 1); the session ends after the idle time-out.
/// </summary>
internal sealed class CoapMeterSession : IApduLink
{
    private readonly Channel<(ReadOnlyMemory<byte> Apdu, TaskCompletionSource<ReadOnlyMemory<byte>> Response)> _requests =
        Channel.CreateBounded<(ReadOnlyMemory<byte>, TaskCompletionSource<ReadOnlyMemory<byte>>)>(1);

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _idleTimeout;
    private TaskCompletionSource<ReadOnlyMemory<byte>>? _current;

    public CoapMeterSession(TimeSpan idleTimeout)
    {
        _idleTimeout = idleTimeout;
    }

    public Task Completion => _completion.Task;

    public bool IsEnded => _completion.Task.IsCompleted;

    /// <summary>Hands one request APDU to the meter and waits for its response (empty when the meter sends none in time).</summary>
    public async Task<ReadOnlyMemory<byte>> RequestAsync(ReadOnlyMemory<byte> apdu, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var response = new TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_requests.Writer.TryWrite((apdu, response)))
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        try
        {
            return await response.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return ReadOnlyMemory<byte>.Empty;
        }
    }

    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _current, null)?.TrySetResult(ReadOnlyMemory<byte>.Empty);
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(_idleTimeout);
        try
        {
            var (apdu, response) = await _requests.Reader.ReadAsync(idle.Token).ConfigureAwait(false);
            _current = response;
            return apdu;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            End();
            throw new DlmsLinkException("The CoAP session was idle too long", isTransient: true);
        }
        catch (ChannelClosedException e)
        {
            throw new DlmsLinkException("The CoAP session has ended", isTransient: true, e);
        }
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> apdu, CancellationToken cancellationToken = default)
    {
        Interlocked.Exchange(ref _current, null)?.TrySetResult(apdu.ToArray());
        return ValueTask.CompletedTask;
    }

    public void End()
    {
        _requests.Writer.TryComplete();
        while (_requests.Reader.TryRead(out var pending))
        {
            pending.Response.TrySetResult(ReadOnlyMemory<byte>.Empty);
        }

        Interlocked.Exchange(ref _current, null)?.TrySetResult(ReadOnlyMemory<byte>.Empty);
        _completion.TrySetResult();
    }

    public ValueTask DisposeAsync()
    {
        End();
        return ValueTask.CompletedTask;
    }
}
