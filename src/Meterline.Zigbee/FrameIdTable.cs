using Meterline.Zigbee.Frames;

namespace Meterline.Zigbee;

/// <summary>
/// Frame ids 1 to 255, cycled, each held by at most one pending request. A request waits for a free id, so at most 255
/// are ever pending. Id 0 is never used: it asks the module for no response.
/// </summary>
internal sealed class FrameIdTable : IDisposable
{
    private readonly SemaphoreSlim _free = new(255, 255);
    private readonly Lock _lock = new();
    private readonly PendingRequest?[] _pending = new PendingRequest?[256];
    private int _last;
    private Exception? _failure;

    public int PendingCount
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count(p => p is not null);
            }
        }
    }

    public async ValueTask<PendingRequest> RentAsync(XBeeFrameType expected, Func<XBeeFrame, bool>? collector, CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (_failure is not null)
            {
                _free.Release();
                throw new XBeeException("The coordinator link is closed.", isTransient: true, _failure);
            }

            for (var i = 0; i < 255; i++)
            {
                _last = (_last % 255) + 1;
                if (_pending[_last] is null)
                {
                    var request = new PendingRequest((byte)_last, expected, collector);
                    _pending[_last] = request;
                    return request;
                }
            }
        }

        // The semaphore guarantees a free id; reaching here would mean the table and the semaphore disagree.
        _free.Release();
        throw new InvalidOperationException("No free frame id although the count said one was free.");
    }

    public void Release(PendingRequest request)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(_pending[request.FrameId], request))
            {
                return;
            }

            _pending[request.FrameId] = null;
        }

        _free.Release();
    }

    /// <summary>Gives a response to the request pending under its id; false when none takes it.</summary>
    public bool Offer(byte frameId, XBeeFrame frame)
    {
        PendingRequest? request;
        lock (_lock)
        {
            request = _pending[frameId];
        }

        return frameId != 0 && request is not null && request.Offer(frame);
    }

    public void FailAll(Exception error)
    {
        List<PendingRequest> failed = [];
        lock (_lock)
        {
            _failure ??= error;
            failed.AddRange(_pending.OfType<PendingRequest>());
        }

        foreach (var request in failed)
        {
            request.Fail(new XBeeException("The coordinator link is closed.", isTransient: true, error));
        }
    }

    public void Dispose() => _free.Dispose();
}
