using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Ingest;

/// <summary>
/// A connector for dlms+tcp endpoints whose sessions answer load profile range reads with one block import reading
/// per 15-minute interval end in the range (value = the meter id), plus one reading outside the range. Tracks how many
/// sessions are open at once; meters in <see cref="Unreachable"/> fail to connect.
/// </summary>
internal sealed class TestConnector : IMeterConnector
{
    private int _open;
    private int _maxOpen;

    public HashSet<MeterId> Unreachable { get; } = [];

    public int MaxOpenAtOnce => Volatile.Read(ref _maxOpen);

    public int Sessions { get; private set; }

    public bool CanReach(MeterEndpoint endpoint) => endpoint.Scheme == "dlms+tcp";

    public async Task<IMeterSession> OpenAsync(Meter meter, CancellationToken cancellationToken = default)
    {
        if (Unreachable.Contains(meter.Id))
        {
            throw new MeterCommunicationException("no answer", refused: false, isTransient: true);
        }

        var open = Interlocked.Increment(ref _open);
        int seen;
        while ((seen = Volatile.Read(ref _maxOpen)) < open && Interlocked.CompareExchange(ref _maxOpen, open, seen) != seen)
        {
        }

        lock (this)
        {
            Sessions++;
        }

        await Task.Delay(20, cancellationToken);
        return new Session(this);
    }

    private sealed class Session(TestConnector owner) : IMeterSession
    {
        public Task<IReadOnlyList<IntervalReading>> ReadLoadProfileAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
        {
            var readings = new List<IntervalReading> { new(meter, from.AddMinutes(-15), Quantity.BlockImportEnergy, -1, ReadingQuality.None) };
            for (var t = from; t <= to; t = t.AddMinutes(15))
            {
                readings.Add(new IntervalReading(meter, t, Quantity.BlockImportEnergy, meter.Value, ReadingQuality.None));
            }

            return Task.FromResult<IReadOnlyList<IntervalReading>>(readings);
        }

        public ValueTask DisposeAsync()
        {
            Interlocked.Decrement(ref owner._open);
            return ValueTask.CompletedTask;
        }

        public Task<IReadOnlyList<RegisterValue>> ReadRegistersAsync(IReadOnlyList<Quantity> quantities, CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task<RelayState> ReadRelayStateAsync(CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task RemoteDisconnectAsync(CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task RemoteReconnectAsync(CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task<DateTimeOffset> ReadClockAsync(CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task SetClockAsync(DateTimeOffset time, CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task WriteActivityCalendarAsync(TariffCalendar calendar, CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task<LimiterReading> ReadLimiterAsync(CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task WriteLimiterAsync(LimiterSettings settings, CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");

        public Task TransferKeysAsync(ReadOnlyMemory<byte> newEncryptionKey, ReadOnlyMemory<byte> newAuthenticationKey, CancellationToken cancellationToken = default) => throw new MeterCommunicationException("not used by back-fill");
    }
}
