using Meterline.Dlms.Links;
using Meterline.Meter.Push;

namespace Meterline.Simulator.Push;

/// <summary>
/// Delivers pushes over the TCP wrapper on one persistent connection to the destination, shared by every meter of
/// the fleet (all from source wPort 1): the head-end attributes each push by the system title in its
/// general-glo-ciphering header, and one connection keeps a large fleet from measuring the operating system's
/// socket limits instead of the head-end. Writes are serialised, so each meter's pushes arrive in counter order.
/// The connection is opened on the first push and re-opened after it breaks, with exponential back-off; during the
/// back-off, and on a failed write, a send reports false (the meter keeps the push and retries). A write the peer
/// never read (it closed after the kernel accepted the bytes) reports true: the wrapper has no acknowledgement.
/// </summary>
public sealed class TcpWrapperPushSink : IPushSink, IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly TcpWrapperPushSinkOptions _options;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "SemaphoreSlim holds nothing unmanaged unless AvailableWaitHandle is used (it is not); a send racing disposal may still release it.")]
    private readonly SemaphoreSlim _gate = new(1, 1);
    private StreamDuplexPipe? _pipe;
    private WrapperLink? _link;
    private DateTimeOffset _retryAt;
    private TimeSpan _backoff;
    private long _connects;
    private long _connectFailures;
    private long _sent;
    private long _failed;

    public TcpWrapperPushSink(string host, int port, TcpWrapperPushSinkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);
        _host = host;
        _port = port;
        _options = options ?? new TcpWrapperPushSinkOptions();
        _backoff = _options.MinBackoff;
    }

    /// <summary>Connections opened.</summary>
    public long Connects => Interlocked.Read(ref _connects);

    public long ConnectFailures => Interlocked.Read(ref _connectFailures);

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Sends that reported false (no connection, or the write failed).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public async ValueTask<bool> SendAsync(PushMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_link is { Completion.IsCompleted: true })
            {
                // The head-end closed the connection (the link's read loop saw it).
                await CloseAsync().ConfigureAwait(false);
            }

            if (_link is null && !await TryConnectAsync(cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _failed);
                return false;
            }

            try
            {
                await _link!.SendAsync(message.Apdu, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref _sent);
                return true;
            }
            catch (DlmsLinkException)
            {
                await CloseAsync().ConfigureAwait(false);
                ScheduleRetry();
                Interlocked.Increment(ref _failed);
                return false;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> TryConnectAsync(CancellationToken cancellationToken)
    {
        if (_options.Clock.GetUtcNow() < _retryAt)
        {
            return false;
        }

        try
        {
            _pipe = await TcpTransport.ConnectAsync(_host, _port, _options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            _link = WrapperLink.Start(_pipe, _options.SourceWPort, _options.DestinationWPort);
            _backoff = _options.MinBackoff;
            Interlocked.Increment(ref _connects);
            return true;
        }
        catch (DlmsLinkException)
        {
            Interlocked.Increment(ref _connectFailures);
            ScheduleRetry();
            return false;
        }
    }

    private void ScheduleRetry()
    {
        _retryAt = _options.Clock.GetUtcNow() + _backoff;
        _backoff = TimeSpan.FromTicks(Math.Min(_backoff.Ticks * 2, _options.MaxBackoff.Ticks));
    }

    private async Task CloseAsync()
    {
        if (_link is not null)
        {
            await _link.DisposeAsync().ConfigureAwait(false);
            _link = null;
        }

        if (_pipe is not null)
        {
            await _pipe.DisposeAsync().ConfigureAwait(false);
            _pipe = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
