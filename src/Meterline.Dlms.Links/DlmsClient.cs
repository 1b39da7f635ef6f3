using System.Threading.Channels;
using Meterline.Dlms.Acse;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;

namespace Meterline.Dlms.Links;

/// <summary>
/// A DLMS/COSEM client on one link: associates (every security level, HLS passes included), then GET (with block
/// transfer), SET (with block transfer), ACTION and release. One read loop per client receives every APDU, removes
/// its protection through the <see cref="ClientAssociation"/>, and hands it to the waiting request by invoke-id;
/// unsolicited notifications go to <see cref="Notifications"/>. Requests are sent one at a time, as meters expect; each
/// waits at most <see cref="DlmsClientOptions.RequestTimeout"/>. When the link fails every waiting request fails with
/// it. Refusals (AARE result, DataAccessResult, ActionResult) are returned as values.
/// </summary>
public sealed class DlmsClient : IAsyncDisposable
{
    private const int CipheringOverhead = 1 + 3 + 5 + 12;

    private readonly IApduLink _link;
    private readonly ClientAssociation _association;
    private readonly DlmsClientOptions _options;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "SemaphoreSlim holds nothing unmanaged unless AvailableWaitHandle is used (it is not); a concurrent call may still release it while the owner is disposed, so it is deliberately not disposed.")]
    private readonly SemaphoreSlim _requestLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Channel<ReceivedApdu> _notifications;
    private readonly Task _readLoop;
    private Pending? _pending;
    private byte _nextInvokeId;
    private int _disposed;

    private DlmsClient(IApduLink link, ClientAssociation association, DlmsClientOptions options)
    {
        _link = link;
        _association = association;
        _options = options;
        _notifications = Channel.CreateBounded<ReceivedApdu>(new BoundedChannelOptions(options.NotificationCapacity)
        {
            SingleReader = false,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>The association state machine (state, negotiated values, server system title).</summary>
    public ClientAssociation Association => _association;

    /// <summary>DataNotifications and EventNotifications the server sent on its own.</summary>
    public ChannelReader<ReceivedApdu> Notifications => _notifications.Reader;

    /// <summary>Responses whose invoke-id matched no waiting request (late answers after a timeout).</summary>
    public long StaleResponses { get; private set; }

    /// <summary>Received APDUs that failed a security or format check and were discarded.</summary>
    public long RejectedApdus { get; private set; }

    /// <summary>Notifications dropped because nobody was reading them.</summary>
    public long DroppedNotifications { get; private set; }

    /// <summary>
    /// Reads a client's invocation counter as the meter last saw it (IS 15959 / IDIS: 0.0.43.1.x.255, attribute 2,
    /// readable by the public client) through a public association on <paramref name="publicLink"/>, which must
    /// address client SAP 16. A client without persisted counters continues from the value returned plus one.
    /// </summary>
    /// <exception cref="DlmsProtocolException">The public association was refused, or the object holds no counter.</exception>
    public static async Task<uint> ReadInvocationCounterAsync(
        IApduLink publicLink,
        ObisCode counterObject,
        DlmsClientOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        await using var client = Create(publicLink, new ClientAssociation(new ClientAssociationSettings()), options);
        var outcome = await client.AssociateAsync(cancellationToken).ConfigureAwait(false);
        if (!outcome.IsAssociated)
        {
            throw new DlmsProtocolException(DlmsErrorReason.InvalidState, $"The public client association was refused ({outcome.Diagnostic})");
        }

        var value = await client.GetAsync(new CosemAttributeDescriptor(1, counterObject, 2), null, cancellationToken).ConfigureAwait(false);
        await client.ReleaseAsync(cancellationToken).ConfigureAwait(false);
        return value.Data is { } data && CosemNumbers.TryGetInt64(data, out var number) && number is >= 0 and < uint.MaxValue
            ? (uint)number
            : throw new DlmsProtocolException(DlmsErrorReason.Malformed, $"{counterObject} did not return an invocation counter ({value.Result})");
    }

    /// <summary>Starts a client on <paramref name="link"/>; call <see cref="AssociateAsync"/> next.</summary>
    public static DlmsClient Create(IApduLink link, ClientAssociation association, DlmsClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(association);
        return new DlmsClient(link, association, options ?? new DlmsClientOptions());
    }

    /// <summary>
    /// Sends the AARQ and evaluates the AARE; for HLS also runs passes 3 and 4. A refusal is returned; a failed
    /// security check (a forged server proof) throws <see cref="DlmsSecurityException"/>.
    /// </summary>
    public async Task<AssociationOutcome> AssociateAsync(CancellationToken cancellationToken = default)
    {
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] aarq;
            lock (_gate)
            {
                ThrowIfLinkClosed();
                aarq = _association.CreateAarq();
            }

            var aare = await ExchangeAsync(aarq, PendingKind.Acse, 0, cancellationToken).ConfigureAwait(false);
            AssociationOutcome outcome;
            lock (_gate)
            {
                outcome = _association.ReceiveAare(aare.Raw.Span);
            }

            if (!outcome.NeedsHlsCompletion)
            {
                return outcome;
            }

            var invoke = NextInvokeId();
            ActionRequestNormal hlsReply;
            lock (_gate)
            {
                hlsReply = _association.CreateHlsReply(invoke);
            }

            var reply = await RequestCoreAsync(hlsReply, invoke.InvokeId, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _association.CompleteHls(reply.Apdu);
            }

            return outcome with { State = _association.State };
        }
        finally
        {
            _requestLock.Release();
        }
    }

    /// <summary>Reads one attribute, reassembling a block transfer when the server answers with datablocks.</summary>
    public async Task<GetDataResult> GetAsync(CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection = null, CancellationToken cancellationToken = default)
    {
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var invoke = NextInvokeId();
            var response = await RequestCoreAsync(new GetRequestNormal(invoke, attribute, selection), invoke.InvokeId, cancellationToken).ConfigureAwait(false);
            switch (response.Apdu)
            {
                case GetResponseNormal normal:
                    return normal.Result;
                case GetResponseWithDatablock first:
                    var reassembler = new DatablockReassembler(_association.Settings.BlockLimits);
                    var block = first;
                    while (true)
                    {
                        if (reassembler.Append(block.Result) is { } result)
                        {
                            return result;
                        }

                        var next = await RequestCoreAsync(new GetRequestNext(invoke, reassembler.LastBlockNumber), invoke.InvokeId, cancellationToken).ConfigureAwait(false);
                        block = next.Apdu as GetResponseWithDatablock ?? throw Unexpected(next.Apdu, "GET-Response-With-Datablock");
                    }

                default:
                    throw Unexpected(response.Apdu, "GET-Response");
            }
        }
        finally
        {
            _requestLock.Release();
        }
    }

    /// <summary>Reads several attributes in one request (needs multiple-references in the negotiated conformance).</summary>
    public async Task<IReadOnlyList<GetDataResult>> GetWithListAsync(IReadOnlyList<CosemAttributeDescriptorWithSelection> attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var invoke = NextInvokeId();
            var response = await RequestCoreAsync(new GetRequestWithList(invoke, [.. attributes]), invoke.InvokeId, cancellationToken).ConfigureAwait(false);
            return response.Apdu is GetResponseWithList list ? list.Result : throw Unexpected(response.Apdu, "GET-Response-With-List");
        }
        finally
        {
            _requestLock.Release();
        }
    }

    /// <summary>Writes one attribute, in datablocks when the value does not fit the server's maximum PDU size.</summary>
    public async Task<DataAccessResult> SetAsync(CosemAttributeDescriptor attribute, CosemData value, SelectiveAccessDescriptor? selection = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var invoke = NextInvokeId();
            var normal = new SetRequestNormal(invoke, attribute, selection, value);
            var maxPdu = _association.ServerMaxReceivePduSize == 0 ? int.MaxValue : _association.ServerMaxReceivePduSize;
            var encoded = normal.ToArray();
            if (encoded.Length + CipheringOverhead <= maxPdu)
            {
                var response = await RequestCoreAsync(normal, invoke.InvokeId, cancellationToken).ConfigureAwait(false);
                return response.Apdu is SetResponseNormal set ? set.Result : throw Unexpected(response.Apdu, "SET-Response");
            }

            var data = CosemDataCodec.Encode(value);
            var chunk = Math.Max(16, maxPdu - CipheringOverhead - 32);
            uint blockNumber = 1;
            Apdu request = new SetRequestWithFirstDatablock(invoke, attribute, selection, new DataBlockSA(data.Length <= chunk, blockNumber, data.AsMemory(0, Math.Min(chunk, data.Length))));
            for (var offset = 0; ; blockNumber++)
            {
                var response = await RequestCoreAsync(request, invoke.InvokeId, cancellationToken).ConfigureAwait(false);
                offset += chunk;
                switch (response.Apdu)
                {
                    case SetResponseLastDatablock last:
                        return last.Result;
                    case SetResponseNormal refused:
                        return refused.Result;
                    case SetResponseDatablock acknowledged when acknowledged.BlockNumber == blockNumber && offset < data.Length:
                        var length = Math.Min(chunk, data.Length - offset);
                        request = new SetRequestWithDatablock(invoke, new DataBlockSA(offset + length >= data.Length, blockNumber + 1, data.AsMemory(offset, length)));
                        break;
                    default:
                        throw Unexpected(response.Apdu, "SET-Response for block " + blockNumber);
                }
            }
        }
        finally
        {
            _requestLock.Release();
        }
    }

    /// <summary>Invokes a method; returns its result and return data.</summary>
    public async Task<(ActionResult Result, GetDataResult? ReturnParameters)> ActionAsync(CosemMethodDescriptor method, CosemData? parameters = null, CancellationToken cancellationToken = default)
    {
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var invoke = NextInvokeId();
            var response = await RequestCoreAsync(new ActionRequestNormal(invoke, method, parameters), invoke.InvokeId, cancellationToken).ConfigureAwait(false);
            return response.Apdu is ActionResponseNormal action
                ? (action.SingleResponse.Result, action.SingleResponse.ReturnParameters)
                : throw Unexpected(response.Apdu, "ACTION-Response");
        }
        finally
        {
            _requestLock.Release();
        }
    }

    /// <summary>Releases the association (RLRQ/RLRE).</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        await _requestLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            byte[] rlrq;
            lock (_gate)
            {
                rlrq = _association.CreateReleaseRequest();
            }

            var rlre = await ExchangeAsync(rlrq, PendingKind.Acse, 0, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _association.ReceiveReleaseResponse(rlre.Raw.Span);
            }
        }
        finally
        {
            _requestLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _link.DisposeAsync().ConfigureAwait(false);
        await _readLoop.ConfigureAwait(false);
        _association.Dispose();
    }

    private void ThrowIfLinkClosed()
    {
        if (_readLoop.IsCompleted)
        {
            throw new DlmsLinkException("The link is closed");
        }
    }

    private InvokeIdAndPriority NextInvokeId()
    {
        var id = _nextInvokeId;
        _nextInvokeId = (byte)((_nextInvokeId + 1) & InvokeIdAndPriority.MaxInvokeId);
        return new InvokeIdAndPriority(id, confirmed: true, highPriority: _options.HighPriority);
    }

    private async Task<ReceivedApdu> RequestCoreAsync(Apdu request, byte invokeId, CancellationToken cancellationToken)
    {
        byte[] bytes;
        lock (_gate)
        {
            ThrowIfLinkClosed();
            bytes = _association.ProtectRequest(request);
        }

        var response = await ExchangeAsync(bytes, PendingKind.Confirmed, invokeId, cancellationToken).ConfigureAwait(false);
        return response.Received!;
    }

    private async Task<Completion> ExchangeAsync(byte[] request, PendingKind kind, byte invokeId, CancellationToken cancellationToken)
    {
        var pending = new Pending(kind, invokeId);
        lock (_gate)
        {
            ThrowIfLinkClosed();
            _pending = pending;
        }

        try
        {
            await _link.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return await pending.Task.WaitAsync(_options.RequestTimeout, _options.Clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new DlmsLinkException($"No response within {_options.RequestTimeout.TotalSeconds:0.#} s", isTransient: true, e);
        }
        finally
        {
            lock (_gate)
            {
                if (_pending == pending)
                {
                    _pending = null;
                }
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception failure;
        try
        {
            while (true)
            {
                var raw = await _link.ReceiveAsync().ConfigureAwait(false);
                Dispatch(raw);
            }
        }
        catch (DlmsLinkException e)
        {
            failure = e;
        }
        catch (Exception e) when (ApduLink.Translate(e) is { } translated)
        {
            failure = translated;
        }

        lock (_gate)
        {
            _association.Abort();
            _pending?.TrySetException(failure);
            _pending = null;
        }

        _notifications.Writer.TryComplete(failure);
    }

    private void Dispatch(ReadOnlyMemory<byte> raw)
    {
        lock (_gate)
        {
            var pending = _pending;
            if (pending?.Kind == PendingKind.Acse)
            {
                pending.TrySetResult(new Completion(raw, null));
                return;
            }

            ReceivedApdu received;
            try
            {
                received = _association.UnprotectResponse(raw.Span);
            }
            catch (Exception e) when (e is DlmsException or InvalidOperationException)
            {
                RejectedApdus++;
                // A response that fails a check (forged, replayed, downgraded) ends the request it claims to answer:
                // the caller learns why instead of waiting for a timeout.
                if (pending is not null && e is DlmsSecurityException)
                {
                    pending.TrySetException(e);
                }

                return;
            }

            if (received.Apdu is DataNotification or EventNotificationRequest)
            {
                if (!_notifications.Writer.TryWrite(received))
                {
                    DroppedNotifications++;
                }

                return;
            }

            var matches = pending is not null
                && (received.Apdu is ExceptionResponse or ConfirmedServiceError
                    || (InvokeIds.TryGet(received.Apdu, out var id) && id == pending.InvokeId));
            if (matches)
            {
                pending!.TrySetResult(new Completion(raw, received));
            }
            else
            {
                StaleResponses++;
            }
        }
    }

    private static DlmsProtocolException Unexpected(Apdu apdu, string expected) => apdu switch
    {
        ExceptionResponse e => new DlmsProtocolException(DlmsErrorReason.InvalidState, $"The server answered with an ExceptionResponse ({e.StateError}, {e.ServiceError})"),
        ConfirmedServiceError e => new DlmsProtocolException(DlmsErrorReason.InvalidState, $"The server answered with a ConfirmedServiceError ({e})"),
        _ => new DlmsProtocolException(DlmsErrorReason.InvalidState, $"Expected a {expected}, received {apdu.GetType().Name}"),
    };

    private enum PendingKind
    {
        Acse,
        Confirmed,
    }

    private sealed record Completion(ReadOnlyMemory<byte> Raw, ReceivedApdu? Received);

    private sealed class Pending(PendingKind kind, byte invokeId) : TaskCompletionSource<Completion>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public PendingKind Kind { get; } = kind;

        public byte InvokeId { get; } = invokeId;
    }
}
