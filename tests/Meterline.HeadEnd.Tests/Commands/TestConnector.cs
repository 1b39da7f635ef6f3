using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Tests.Commands;

/// <summary>
/// A connector for <c>test://</c> endpoints whose sessions act on <see cref="TestMeterState"/> objects in memory:
/// a relay with control mode 1, a clock, registers, a load profile and keys by generation. It counts sessions open at
/// once (overall and per meter), can hold sessions at <see cref="Gate"/>, fail to open, and observe each open.
/// </summary>
internal sealed class TestConnector : IMeterConnector
{
    private readonly Lock _lock = new();
    private readonly Dictionary<MeterId, TestMeterState> _meters = [];
    private readonly Dictionary<MeterId, int> _openPerMeter = [];
    private int _open;

    public static MeterEndpoint Endpoint { get; } = new("test://meter");

    /// <summary>When set, every operation waits for it (sessions stay open meanwhile).</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Thrown by <see cref="OpenAsync"/> when set.</summary>
    public MeterCommunicationException? FailOpen { get; set; }

    /// <summary>Called with the meter at every open, before anything is "sent".</summary>
    public Action<Meter>? OnOpen { get; set; }

    public int MaxOpen { get; private set; }

    public int MaxOpenPerMeter { get; private set; }

    public int Opened { get; private set; }

    public TestMeterState this[MeterId meter]
    {
        get
        {
            lock (_lock)
            {
                return _meters.TryGetValue(meter, out var state) ? state : _meters[meter] = new TestMeterState();
            }
        }
    }

    public bool CanReach(MeterEndpoint endpoint) => endpoint?.Scheme == "test";

    public Task<IMeterSession> OpenAsync(Meter meter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        OnOpen?.Invoke(meter);
        if (FailOpen is { } failure)
        {
            throw failure;
        }

        var state = this[meter.Id];
        if (!state.Generations.Contains(meter.KeyGeneration))
        {
            throw new MeterCommunicationException("association refused", refused: true, isTransient: false);
        }

        lock (_lock)
        {
            Opened++;
            MaxOpen = Math.Max(MaxOpen, ++_open);
            _openPerMeter[meter.Id] = _openPerMeter.GetValueOrDefault(meter.Id) + 1;
            MaxOpenPerMeter = Math.Max(MaxOpenPerMeter, _openPerMeter[meter.Id]);
        }

        return Task.FromResult<IMeterSession>(new Session(this, meter.Id, state));
    }

    private void Closed(MeterId meter)
    {
        lock (_lock)
        {
            _open--;
            _openPerMeter[meter]--;
        }
    }

    private sealed class Session(TestConnector owner, MeterId meter, TestMeterState state) : IMeterSession
    {
        public async Task<IReadOnlyList<RegisterValue>> ReadRegistersAsync(IReadOnlyList<Quantity> quantities, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            return quantities.Where(state.Registers.ContainsKey).Select(q => new RegisterValue(q, state.Registers[q])).ToList();
        }

        public async Task<IReadOnlyList<IntervalReading>> ReadLoadProfileAsync(MeterId meterId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            return state.Profile.Where(r => r.Time >= from && r.Time <= to).Select(r => r with { Meter = meterId }).ToList();
        }

        public async Task<RelayState> ReadRelayStateAsync(CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            return state.Relay;
        }

        public async Task RemoteDisconnectAsync(CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            state.Actions.Add("remote_disconnect");
            if (state.RefuseRelay)
            {
                throw new MeterCommunicationException("ACTION remote_disconnect: the meter answered ReadWriteDenied", refused: true, isTransient: false);
            }

            if (!state.StuckRelay)
            {
                state.Relay = RelayState.Disconnected;
            }
        }

        public async Task RemoteReconnectAsync(CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            state.Actions.Add("remote_reconnect");
            if (state.RefuseRelay)
            {
                throw new MeterCommunicationException("ACTION remote_reconnect: the meter answered ReadWriteDenied", refused: true, isTransient: false);
            }

            if (!state.StuckRelay && state.Relay == RelayState.Disconnected)
            {
                state.Relay = RelayState.ReadyForReconnection;
            }
        }

        public async Task<DateTimeOffset> ReadClockAsync(CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            return state.Clock;
        }

        public async Task SetClockAsync(DateTimeOffset time, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            state.Actions.Add("set_clock");
            state.Clock = time + state.ClockError;
        }

        public async Task WriteActivityCalendarAsync(TariffCalendar calendar, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            state.Actions.Add("write_calendar");
            state.Calendar = calendar;
        }

        public async Task<LimiterReading> ReadLimiterAsync(CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            state.Actions.Add("read_limiter");
            return state.Limiter;
        }

        public async Task WriteLimiterAsync(LimiterSettings settings, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            state.Actions.Add("write_limiter");
            var kept = state.IgnoreLimiterWrites ? state.Limiter.Settings : settings;
            state.Limiter = state.Limiter with { Settings = kept, ActiveThreshold = kept.NormalThreshold };
        }

        public async Task TransferKeysAsync(ReadOnlyMemory<byte> newEncryptionKey, ReadOnlyMemory<byte> newAuthenticationKey, CancellationToken cancellationToken = default)
        {
            await WaitAsync(cancellationToken);
            state.Actions.Add("key_transfer");
            state.BeforeTransfer?.Invoke();
            if (state.TransferFailure is { } failure)
            {
                if (failure is { Refused: false } && state.TransferTakesEffect)
                {
                    state.Generations.Add(state.Generations.Max() + 1);
                }

                throw failure;
            }

            state.Generations.Clear();
            state.Generations.Add(state.NextGeneration);
        }

        public ValueTask DisposeAsync()
        {
            owner.Closed(meter);
            return ValueTask.CompletedTask;
        }

        private async Task WaitAsync(CancellationToken cancellationToken)
        {
            if (owner.Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
        }
    }
}

/// <summary>What a test meter is and has had done to it.</summary>
internal sealed class TestMeterState
{
    public RelayState Relay { get; set; } = RelayState.Connected;

    public bool RefuseRelay { get; set; }

    public bool StuckRelay { get; set; }

    public DateTimeOffset Clock { get; set; } = new(2025, 12, 31, 23, 0, 0, TimeSpan.Zero);

    public TimeSpan ClockError { get; set; }

    public Dictionary<Quantity, double> Registers { get; } = [];

    public List<IntervalReading> Profile { get; } = [];

    public TariffCalendar? Calendar { get; set; }

    /// <summary>The Limiter as the meter would read (monitored value in W, nothing limited).</summary>
    public LimiterReading Limiter { get; set; } = new(new LimiterSettings(0, 0, 0, 0, null), "W", 0, false);

    /// <summary>When set, Limiter writes are answered but change nothing (a read-back mismatch).</summary>
    public bool IgnoreLimiterWrites { get; set; }

    /// <summary>Key generations the meter answers (a key transfer replaces them with <see cref="NextGeneration"/>).</summary>
    public HashSet<int> Generations { get; } = [1];

    public int NextGeneration { get; set; } = 2;

    public MeterCommunicationException? TransferFailure { get; set; }

    public bool TransferTakesEffect { get; set; }

    public Action? BeforeTransfer { get; set; }

    public List<string> Actions { get; } = [];
}
