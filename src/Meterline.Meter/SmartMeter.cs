using System.Collections.Frozen;
using System.Collections.Immutable;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.Meter.Control;
using Meterline.Meter.Cosem;
using Meterline.Meter.Events;
using Meterline.Meter.Metrology;
using Meterline.Meter.Push;
using Meterline.Meter.Security;
using Meterline.Meter.State;
using Meterline.Meter.Time;

namespace Meterline.Meter;

/// <summary>
/// One smart meter: the COSEM object model of its profile, served to DLMS associations; metrology stepping a
/// household's load through true time; tamper and event detection with event logs; a relay; load, daily and billing
/// profiles; pushes; and non-volatile memory for counters, keys and registers. Time is a <see cref="MeterClock"/>
/// over a <see cref="System.TimeProvider"/>, so a month can pass in seconds. The meter does its work lazily: every
/// request and every <see cref="AdvanceTo"/> first steps the measurements up to now. Thread-safe: one lock per meter
/// serialises requests from any number of links with the simulator's ticks.
/// </summary>
public sealed partial class SmartMeter : IEventRecorder
{
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromDays(731);
    private readonly SmartMeterOptions _options;
    private readonly MeterStatePersistence _persistence;
    private readonly OutgoingInvocationCounter _counter;
    private readonly InvocationCounterGuard _clientCounters;
    private readonly TransactionIdGuard _transactionIds;
    private readonly MetrologyEngine _engine;
    private readonly DemandRegister _demand;
    private readonly IntervalAccumulator _block;
    private readonly TamperDetector _tamper;
    private readonly PushQueue _pushes;
    private readonly MeterAssociationFactory _associations;
    private readonly MeterCosemServer _server;
    private readonly List<ushort> _stepEvents = [];
    private readonly ushort[] _lastEventCode = new ushort[7];
    private DateTimeOffset _lastStep;
    private DateTimeOffset _lastMeterTime;
    private DateTimeOffset _lastBlockCapture;
    private IntervalSummary _lastBlock;
    private MetrologySample _sample;
    private MetrologyConditions _conditions;
    private ushort _lastEvent;
    private ulong _tamperCount;
    private ulong _powerFailures;
    private ulong _billingPeriods;
    private bool _coverOpened;
    private long _blocksCaptured;

    /// <exception cref="InvalidOperationException">The profile has an object this meter cannot implement.</exception>
    /// <exception cref="InvalidDataException">The meter's saved state is unreadable.</exception>
    public SmartMeter(SmartMeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BlockProfileDays < 30 || !ClockBlocks.IsValidPeriod(options.BlockPeriod) || options.BillingDay is < 1 or > 28 ||
            options.MetrologyStep <= TimeSpan.Zero || options.MetrologyStep > options.BlockPeriod)
        {
            throw new ArgumentException("Block period, billing day, metrology step or profile depth out of range", nameof(options));
        }

        _options = options;
        Profile = options.Profile;
        Identity = options.Identity;
        Clock = new MeterClock(options.TimeProvider, options.UtcOffset, options.Profile.Deviation);
        _persistence = new MeterStatePersistence(options.StateStore, Identity.Serial);
        var saved = _persistence.State;
        Keys = new MeterKeyStore();
        if (_persistence.IsNew)
        {
            Keys.Restore(options.InitialKeys);
            if (!_persistence.TryUpdate(s => s with { Keys = Keys.Snapshot() }))
            {
                throw new IOException($"The state of meter {Identity.Serial} cannot be saved");
            }
        }
        else if (saved.Keys is { } keys)
        {
            Keys.Restore(keys);
        }

        Keys.KeysChanged += OnKeysChanged;
        _counter = new OutgoingInvocationCounter(saved.OutgoingCounterMark, _persistence);
        _clientCounters = new InvocationCounterGuard(_persistence);
        _clientCounters.Import(saved.ClientCounters);
        _transactionIds = new TransactionIdGuard(_persistence);
        _transactionIds.Import(saved.TransactionIds);
        _clientCounters.CounterRefused += OnCounterRefused;
        _engine = (options.LoadSource is { } load ? new MetrologyEngine(load, options.GridSeed) : new MetrologyEngine(options.Household, options.GridSeed));
        _engine.MaxSubStep = options.MetrologyStep;
        _engine.Registers.Restore(saved.Registers);
        _tamperCount = saved.Registers.GetValueOrDefault(TamperCountRegister);
        _powerFailures = saved.Registers.GetValueOrDefault(PowerFailuresRegister);
        _billingPeriods = saved.Registers.GetValueOrDefault(BillingPeriodsRegister);
        _demand = new DemandRegister(options.DemandPeriod);
        _block = new IntervalAccumulator(_engine.Registers);
        _tamper = new TamperDetector(options.Thresholds);
        _pushes = new PushQueue(options.PushQueueCapacity);
        _lastStep = Clock.TrueNow;
        _lastMeterTime = Clock.UtcNow;
        var local = Clock.LocalNow;
        _lastBlockCapture = ClockBlocks.IsBoundary(local, options.BlockPeriod) ? local : ClockBlocks.BlockEnd(local, options.BlockPeriod) - options.BlockPeriod;
        _associations = new MeterAssociationFactory(
            Profile, Keys, Identity.SystemTitle, _counter, _clientCounters, _transactionIds, PolicyOf, OnSignatureRefused, options.MaxPduSize);
        var objects = BuildObjects();
        Objects = objects;
        _server = new MeterCosemServer(this, Profile, objects);
        _sample = _engine.Measure(Clock.TrueNow.ToOffset(options.UtcOffset), _conditions);
    }

    public MeterProfile Profile { get; }

    public MeterIdentity Identity { get; }

    /// <summary>The meter's id everywhere (its serial number).</summary>
    public string Id => Identity.Serial;

    public SystemTitle SystemTitle => Identity.SystemTitle;

    public MeterClock Clock { get; }

    /// <summary>The meter's secure element.</summary>
    public MeterKeyStore Keys { get; }

    /// <summary>The COSEM objects by logical name.</summary>
    public FrozenDictionary<ObisCode, CosemObject> Objects { get; }

    /// <summary>The relay (Disconnect control).</summary>
    public DisconnectControlObject Relay { get; private set; } = null!;

    /// <summary>The cumulative energy registers.</summary>
    public EnergyRegisters Registers => _engine.Registers;

    /// <summary>Maximum demand since the last billing reset.</summary>
    public DemandRegister Demand => _demand;

    /// <summary>The values measured last.</summary>
    public MetrologySample LastSample
    {
        get
        {
            lock (Sync)
            {
                return _sample;
            }
        }
    }

    /// <summary>False during a power failure: the meter neither measures nor answers, though its last gasp goes out.</summary>
    public bool IsPowered
    {
        get
        {
            lock (Sync)
            {
                return !_tamper.IsPowerFailed;
            }
        }
    }

    /// <summary>Number of tamper occurrences logged (0.0.94.91.0.255).</summary>
    public ulong TamperCount
    {
        get
        {
            lock (Sync)
            {
                return _tamperCount;
            }
        }
    }

    /// <summary>
    /// True when the meter demands signed commands: it holds the head-end's public key, so the writes and methods its
    /// profile lists as signed (relay, key transfer, calendar activation) are refused unless the head-end signed them.
    /// </summary>
    public bool SignaturesEnforced
    {
        get
        {
            lock (Sync)
            {
                return Keys.HesPublicKey is not null;
            }
        }
    }

    /// <summary>The next value of the meter's sending invocation counter.</summary>
    public uint NextInvocationCounter => _counter.Next;

    /// <summary>
    /// Requests and association attempts refused because a client's invocation counter was not above the last one
    /// the meter accepted from it: replays, or a head-end that reused a counter.
    /// </summary>
    public long ClientCounterRefusals => _clientCounters.Refused;

    /// <summary>Pushes waiting or in flight.</summary>
    public int PendingPushes
    {
        get
        {
            lock (Sync)
            {
                return _pushes.Count;
            }
        }
    }

    /// <summary>Pushes dropped because the queue was full (usage and alerts).</summary>
    public long PushesDropped
    {
        get
        {
            lock (Sync)
            {
                return _pushes.Dropped + _pushes.DroppedAlerts;
            }
        }
    }

    internal Lock Sync { get; } = new();

    /// <summary>
    /// The server association a client SAP reaches (one per client per link, for <c>DlmsServer</c>), or null when the
    /// profile offers that client none.
    /// </summary>
    public ServerAssociation? CreateAssociation(int clientSap)
    {
        lock (Sync)
        {
            return _associations.Create(_server, clientSap);
        }
    }

    /// <summary>Steps the measurements up to the clock's now: profiles, events, pushes and all.</summary>
    public void AdvanceTo()
    {
        lock (Sync)
        {
            AdvanceLocked();
        }
    }

    /// <summary>
    /// Sets the conditions the scenario imposes on the meter (magnet, missing neutral, reverse current, outage,
    /// voltage sag). They apply from now: the meter first steps up to now under the old ones.
    /// </summary>
    public void SetConditions(MetrologyConditions conditions)
    {
        lock (Sync)
        {
            AdvanceLocked();
            _conditions = conditions;
        }
    }

    /// <summary>The conditions the scenario imposes now.</summary>
    public MetrologyConditions Conditions
    {
        get
        {
            lock (Sync)
            {
                return _conditions;
            }
        }
    }

    /// <summary>
    /// The terminal cover is opened (a non-rollover tamper, 251): the meter logs the event, sends its alert —
    /// protected now, while it still has keys — and then erases its keys. Every later secured association fails
    /// until the meter is re-keyed on site (<see cref="InstallKeys"/>).
    /// </summary>
    public void OpenCover()
    {
        lock (Sync)
        {
            AdvanceLocked();
            if (_coverOpened)
            {
                return;
            }

            _coverOpened = true;
            RecordLocked(CoverOpenEvent, protectAlertNow: true);
            Keys.Erase();
        }
    }

    /// <summary>On-site re-keying: installs new keys into the secure element.</summary>
    public void InstallKeys(CipherKey encryptionKey, CipherKey authenticationKey, CipherKey masterKey)
    {
        lock (Sync)
        {
            Keys.Install(encryptionKey, authenticationKey, masterKey);
            _coverOpened = false;
        }
    }

    /// <summary>
    /// On-site installation of the head-end's public key (0x04 ‖ X ‖ Y), the trust anchor of signed commands, into a
    /// meter that holds none (or holds this one: nothing changes). From then on the meter enforces signed commands. A
    /// meter that trusts another key keeps it: only its utility association replaces it (Security setup
    /// import_certificate, itself a signed command).
    /// </summary>
    /// <exception cref="ArgumentException">Not an uncompressed P-256 point.</exception>
    /// <exception cref="InvalidOperationException">The meter already trusts another head-end key.</exception>
    public void InstallHesPublicKey(ReadOnlySpan<byte> publicKey)
    {
        if (!MeterKeyStore.IsValidHesPublicKey(publicKey))
        {
            throw new ArgumentException("The head-end public key must be an uncompressed P-256 point (65 bytes, 0x04 ‖ X ‖ Y)", nameof(publicKey));
        }

        lock (Sync)
        {
            if (Keys.HesPublicKey is { } current)
            {
                if (!current.Span.SequenceEqual(publicKey))
                {
                    throw new InvalidOperationException($"Meter {Identity.Serial} already trusts another head-end key; its utility association replaces it");
                }

                return;
            }

            AdvanceLocked();
            Keys.TrySetHesPublicKey(publicKey);
            RecordLocked(SecurityEventCodes.HesPublicKeyChanged, protectAlertNow: false);
        }
    }

    /// <summary>Sets the drift of the meter's crystal (a scenario), serialised with everything else the meter does.</summary>
    public void SetClockDrift(double ppm)
    {
        lock (Sync)
        {
            AdvanceLocked();
            Clock.DriftPpm = ppm;
        }
    }

    /// <summary>Block load profile entries captured since the meter started (keeps counting when the buffer wraps).</summary>
    public long BlocksCaptured
    {
        get
        {
            lock (Sync)
            {
                return _blocksCaptured;
            }
        }
    }

    /// <summary>Records event <paramref name="code"/> of the profile's table now (from an object or a scenario).</summary>
    public void Record(ushort code) => RecordLocked(code, protectAlertNow: false);

    /// <summary>Writes the cumulative registers to non-volatile memory (counters and keys are written as they change).</summary>
    public bool SaveState()
    {
        lock (Sync)
        {
            var registers = _engine.Registers.Snapshot()
                .SetItem(TamperCountRegister, _tamperCount)
                .SetItem(PowerFailuresRegister, _powerFailures)
                .SetItem(BillingPeriodsRegister, _billingPeriods);
            return _persistence.TryUpdate(s => s with { Registers = registers });
        }
    }

    public override string ToString() => $"SmartMeter {Identity.Serial} ({Identity.SystemTitle})";

    internal SecurityPolicy PolicyOf(ProfileAssociation association) =>
        SecuritySetups.TryGetValue(association.LogicalName, out var setup) ? setup.Policy : SecurityPolicy.None;

    /// <summary>Steps through every whole metrology step up to now. Call with the lock held.</summary>
    internal void AdvanceLocked()
    {
        var now = Clock.TimeProvider.GetUtcNow();
        if (now - _lastStep > MaxCatchUp)
        {
            // A meter left unpowered for years in a simulation: it does not replay them.
            _lastStep = now - MaxCatchUp;
        }

        var step = _options.MetrologyStep;
        while (now - _lastStep >= step)
        {
            StepTo(_lastStep + step);
        }
    }

    private void StepTo(DateTimeOffset trueEnd)
    {
        var dt = trueEnd - _lastStep;
        _lastStep = trueEnd;
        Clock.Pin(trueEnd);
        try
        {
            var meterNow = Clock.UtcNow;
            var local = meterNow.ToOffset(Clock.UtcOffset);
            var conditions = _conditions with { RelayOpen = !Relay.OutputState };
            var zone = Math.Clamp(Calendar?.CurrentScriptSelector() ?? 1, 1, EnergyRegisters.TariffZoneCount);
            _sample = _engine.Step(trueEnd.ToOffset(Clock.UtcOffset), dt, conditions, zone);
            if (meterNow > _lastMeterTime)
            {
                _demand.Add(_engine.LastStepEnergy.ImportWh, local);
            }

            _block.Add(_sample, dt);
            _stepEvents.Clear();
            _tamper.Update(_sample, meterNow, _stepEvents);
            foreach (var code in _stepEvents)
            {
                RecordLocked(code, protectAlertNow: code == PowerFailureEvent);
            }

            Limiter?.Evaluate((long)Math.Round(_sample.ActivePower));
            Calendar?.Tick();
            CaptureBoundaries(local);
            _lastMeterTime = meterNow;
        }
        finally
        {
            Clock.Unpin();
        }
    }

    private void CaptureBoundaries(DateTimeOffset local)
    {
        var period = _options.BlockPeriod;
        var blockEnd = ClockBlocks.BlockEnd(_lastBlockCapture + TimeSpan.FromTicks(1), period);
        if (local >= blockEnd)
        {
            // One block closes (with everything since the last capture); a clock set backwards captures nothing
            // until its time passes the last capture again.
            var capture = ClockBlocks.IsBoundary(local, period) ? local : ClockBlocks.BlockEnd(local, period) - period;
            _lastBlock = _block.Close(capture);
            _lastBlockCapture = capture;
            AppendBlock(_lastBlock);
            _blocksCaptured++;
            EnqueueUsagePush(capture);
        }

        var previousLocal = _lastMeterTime.ToOffset(Clock.UtcOffset);
        if (local.Date > previousLocal.Date)
        {
            var midnight = new DateTimeOffset(local.Date, local.Offset);
            AppendDaily(midnight);
            if (local.Day >= _options.BillingDay && (previousLocal.Day < _options.BillingDay || previousLocal.Month != local.Month))
            {
                CaptureBilling(new DateTimeOffset(local.Year, local.Month, _options.BillingDay, 0, 0, 0, local.Offset));
            }
        }
    }

    /// <summary>A write that must be signed came unsigned (<see cref="MeterCosemServer"/>): logged like any refusal for a signature.</summary>
    internal void RefuseUnsigned() => OnSignatureRefused(SignatureRefusal.Missing);

    /// <summary>A request was refused for its signature: a security event in the transaction log (and an alert).</summary>
    private void OnSignatureRefused(SignatureRefusal reason)
    {
        lock (Sync)
        {
            AdvanceLocked();
            RecordLocked(
                reason switch
                {
                    SignatureRefusal.Missing => SecurityEventCodes.SignatureMissing,
                    SignatureRefusal.Replayed => SecurityEventCodes.SignedRequestReplayed,
                    _ => SecurityEventCodes.SignatureInvalid,
                },
                protectAlertNow: false);
        }
    }

    private void OnKeysChanged(object? sender, KeyChangedEventArgs e)
    {
        if (e.KeyId is MeterKeyId.HesPublicKey)
        {
            // A new trust anchor: requests signed under the old key no longer verify, and the new key's signer numbers
            // its transactions afresh.
            _transactionIds.Clear();
            var keys = Keys.Snapshot();
            _persistence.TryUpdate(s => s with { Keys = keys, TransactionIds = [] });
            return;
        }

        // A new key starts its counters afresh: a client's counters under the old key mean nothing under the new one.
        if (e.KeyId is MeterKeyId.GlobalUnicastEncryptionKey)
        {
            foreach (var record in _clientCounters.Export().Where(r => r.KeyId == KeyId.GlobalUnicastEncryptionKey))
            {
                _clientCounters.Forget(record.Sender, record.KeyId);
            }
        }

        ForgetPushCipher();
        var snapshot = Keys.Snapshot();
        var counters = _clientCounters.Export().ToImmutableArray();
        _persistence.TryUpdate(s => s with { Keys = snapshot, ClientCounters = counters });
    }
}
