using System.Globalization;
using System.Text.Json;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.DemandControl;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Commands;

/// <summary>
/// Runs one sent command against its meter through a connector and says how it ended:
/// <list type="bullet">
/// <item>Read: the registers asked for (in the result; those in <see cref="StoredRegisters"/> also stored as readings
/// at the read's time) and the load profile range (stored through the reading store as authenticated, back-filled
/// readings; the result counts them).</item>
/// <item>Connect / Disconnect: remote_reconnect / remote_disconnect, then the relay is read back and stored in the
/// registry. Confirmed only when it reads as asked; a reconnect that leaves the relay ReadyForReconnection (control
/// mode 1: the customer closes it) is confirmed and the result says so.</item>
/// <item>TimeSync: the clock is read, set to the head-end's time, and read back; confirmed within the tolerance.</item>
/// <item>ActivityCalendar: the passive calendar and its activation time are written.</item>
/// <item>KeyRotation: <see cref="KeyRotation"/>.</item>
/// <item>LoadLimit: the Limiter is written (unless only a read is asked) and read back; confirmed only when the
/// read-back matches what was asked (and the monitored value's unit the unit asked, when one is). A confirmed read-back
/// is stored as the meter's last confirmed limiter.</item>
/// </list>
/// A refusal by the meter is a Failed outcome; a link failure throws <see cref="MeterCommunicationException"/>.
/// </summary>
public sealed class CommandExecutor
{
    /// <summary>Registers a Read also stores as readings (at the read's time, to the second): those no push carries.</summary>
    public static readonly IReadOnlyList<Quantity> StoredRegisters = [Quantity.Frequency];

    private const string ModeOneNote = "the relay is ready for reconnection (control mode 1): the customer closes it at the meter";

    private readonly IMeterRepository _meters;
    private readonly IReadingStore _readings;
    private readonly KeyRotation _keyRotation;
    private readonly TimeProvider _time;
    private readonly CommandExecutorOptions _options;
    private readonly IMeterLimiterStore? _limiters;

    /// <param name="limiters">Where confirmed Limiter read-backs are kept, if anywhere.</param>
    public CommandExecutor(IMeterRepository meters, IReadingStore readings, KeyRotation keyRotation, TimeProvider time, CommandExecutorOptions? options = null, IMeterLimiterStore? limiters = null)
    {
        _limiters = limiters;
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentNullException.ThrowIfNull(keyRotation);
        ArgumentNullException.ThrowIfNull(time);
        _meters = meters;
        _readings = readings;
        _keyRotation = keyRotation;
        _time = time;
        _options = options ?? new CommandExecutorOptions();
    }

    public async Task<CommandOutcome> ExecuteAsync(CommandRecord command, Meter meter, IMeterConnector connector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(connector);
        var parameters = CommandParametersJson.Decode(command.Kind, command.Parameters);
        if (parameters is KeyRotationParameters)
        {
            return await _keyRotation.RunAsync(meter, connector, cancellationToken).ConfigureAwait(false);
        }

        var session = await connector.OpenAsync(meter, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            try
            {
                return parameters switch
                {
                    ReadParameters read => await ReadAsync(session, meter, read, cancellationToken).ConfigureAwait(false),
                    ConnectParameters => await SwitchAsync(session, meter, connect: true, cancellationToken).ConfigureAwait(false),
                    DisconnectParameters => await SwitchAsync(session, meter, connect: false, cancellationToken).ConfigureAwait(false),
                    TimeSyncParameters => await SyncClockAsync(session, cancellationToken).ConfigureAwait(false),
                    ActivityCalendarParameters calendar => await WriteCalendarAsync(session, calendar, cancellationToken).ConfigureAwait(false),
                    LoadLimitParameters limit => await LoadLimitAsync(session, command, meter, limit, cancellationToken).ConfigureAwait(false),
                    _ => CommandOutcome.Failed(Error("unsupported command kind")),
                };
            }
            catch (MeterCommunicationException e) when (e.Refused)
            {
                return CommandOutcome.Failed(Error("refused by the meter: " + e.Message));
            }
        }
    }

    /// <summary>Reads the relay through a new session and stores it (restart recovery of connect/disconnect).</summary>
    public async Task<RelayState> ReadRelayAsync(Meter meter, IMeterConnector connector, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(connector);
        var session = await connector.OpenAsync(meter, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var relay = await session.ReadRelayStateAsync(cancellationToken).ConfigureAwait(false);
            await _meters.SetRelayStateAsync(meter.Id, relay, cancellationToken).ConfigureAwait(false);
            return relay;
        }
    }

    /// <summary>True when the relay reads as a connect (Connected, or ReadyForReconnection) or a disconnect asked.</summary>
    public static bool IsAsAsked(RelayState relay, bool connect) =>
        connect ? relay is RelayState.Connected or RelayState.ReadyForReconnection : relay == RelayState.Disconnected;

    private async Task<CommandOutcome> ReadAsync(IMeterSession session, Meter meter, ReadParameters read, CancellationToken cancellationToken)
    {
        IReadOnlyList<RegisterValue> registers = [];
        if (read.Quantities.Count > 0)
        {
            registers = await session.ReadRegistersAsync(read.Quantities, cancellationToken).ConfigureAwait(false);
        }

        // Registers the pushes never carry are kept as readings at the time of the read (the frequency, for power quality).
        var kept = registers.Where(r => StoredRegisters.Contains(r.Quantity)).ToList();
        if (kept.Count > 0)
        {
            var at = new DateTimeOffset(_time.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
            await _readings.WriteAsync(
                new IngestBatch([.. kept.Select(r => new IntervalReading(meter.Id, at, r.Quantity, r.Value, ReadingQuality.Authenticated))], [], [], new Dictionary<MeterId, uint>()),
                cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<IntervalReading> intervals = [];
        var stored = 0;
        if (read.HasProfileRange)
        {
            intervals = await session.ReadLoadProfileAsync(meter.Id, read.ProfileFrom!.Value, read.ProfileTo!.Value, cancellationToken).ConfigureAwait(false);
            if (intervals.Count > 0)
            {
                var result = await _readings.WriteAsync(new IngestBatch(intervals, [], [], new Dictionary<MeterId, uint>()), cancellationToken).ConfigureAwait(false);
                stored = result.ReadingsInserted;
            }
        }

        return CommandOutcome.Confirmed(JsonText.Object(w =>
        {
            w.WriteStartArray("registers");
            foreach (var register in registers)
            {
                w.WriteStartObject();
                w.WriteString("obis", register.Quantity.Obis);
                w.WriteNumber("value", register.Value);
                w.WriteString("unit", register.Quantity.Unit);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            var missing = read.Quantities.Where(q => !registers.Any(r => r.Quantity == q)).ToList();
            if (missing.Count > 0)
            {
                w.WriteStartArray("missing");
                foreach (var quantity in missing)
                {
                    w.WriteStringValue(quantity.Obis);
                }

                w.WriteEndArray();
            }

            if (read.HasProfileRange)
            {
                w.WriteStartObject("profile");
                w.WriteString("from", read.ProfileFrom!.Value);
                w.WriteString("to", read.ProfileTo!.Value);
                w.WriteNumber("entries", intervals.Select(i => i.Time).Distinct().Count());
                w.WriteNumber("readings", intervals.Count);
                w.WriteNumber("stored", stored);
                w.WriteEndObject();
            }
        }));
    }

    private async Task<CommandOutcome> SwitchAsync(IMeterSession session, Meter meter, bool connect, CancellationToken cancellationToken)
    {
        string? refusal = null;
        try
        {
            if (connect)
            {
                await session.RemoteReconnectAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await session.RemoteDisconnectAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (MeterCommunicationException e) when (e.Refused)
        {
            refusal = e.Message;
        }

        var relay = await session.ReadRelayStateAsync(cancellationToken).ConfigureAwait(false);
        await _meters.SetRelayStateAsync(meter.Id, relay, cancellationToken).ConfigureAwait(false);
        var asked = IsAsAsked(relay, connect);
        var result = JsonText.Object(w =>
        {
            w.WriteString("relay", relay.ToString());
            if (connect && relay == RelayState.ReadyForReconnection)
            {
                w.WriteString("note", ModeOneNote);
            }

            if (refusal is not null)
            {
                w.WriteString("error", "refused by the meter: " + refusal);
            }
            else if (!asked)
            {
                w.WriteString("error", "the relay did not move as asked");
            }
        });
        return refusal is null && asked ? CommandOutcome.Confirmed(result) : CommandOutcome.Failed(result);
    }

    private async Task<CommandOutcome> SyncClockAsync(IMeterSession session, CancellationToken cancellationToken)
    {
        var before = await session.ReadClockAsync(cancellationToken).ConfigureAwait(false);
        var set = _time.GetUtcNow();
        await session.SetClockAsync(set, cancellationToken).ConfigureAwait(false);
        var after = await session.ReadClockAsync(cancellationToken).ConfigureAwait(false);
        var skew = after - _time.GetUtcNow();
        var result = JsonText.Object(w =>
        {
            w.WriteString("before", before);
            w.WriteString("set", set);
            w.WriteString("readBack", after);
            w.WriteNumber("offsetBeforeSeconds", Math.Round((before - set).TotalSeconds, 3));
            w.WriteNumber("skewSeconds", Math.Round(skew.TotalSeconds, 3));
            if (skew.Duration() > _options.ClockTolerance)
            {
                w.WriteString("error", string.Create(CultureInfo.InvariantCulture, $"the clock reads back more than {_options.ClockTolerance.TotalSeconds:0.#} s off"));
            }
        });
        return skew.Duration() <= _options.ClockTolerance ? CommandOutcome.Confirmed(result) : CommandOutcome.Failed(result);
    }

    private static async Task<CommandOutcome> WriteCalendarAsync(IMeterSession session, ActivityCalendarParameters parameters, CancellationToken cancellationToken)
    {
        await session.WriteActivityCalendarAsync(parameters.Calendar, cancellationToken).ConfigureAwait(false);
        return CommandOutcome.Confirmed(JsonText.Object(w =>
        {
            w.WriteString("name", parameters.Calendar.Name);
            w.WriteNumber("switches", parameters.Calendar.Switches.Count);
            w.WriteString("activateAt", parameters.Calendar.ActivateAt);
        }));
    }

    private async Task<CommandOutcome> LoadLimitAsync(IMeterSession session, CommandRecord command, Meter meter, LoadLimitParameters limit, CancellationToken cancellationToken)
    {
        if (limit.Settings is { } asked)
        {
            if (limit.Unit is { } unit)
            {
                var before = await session.ReadLimiterAsync(cancellationToken).ConfigureAwait(false);
                if (before.MonitoredUnit != unit)
                {
                    return CommandOutcome.Failed(LimiterResult(before, $"the meter limits in {before.MonitoredUnit}, not {unit}; nothing was written"));
                }
            }

            await session.WriteLimiterAsync(asked, cancellationToken).ConfigureAwait(false);
        }

        var reading = await session.ReadLimiterAsync(cancellationToken).ConfigureAwait(false);
        var error = limit.Settings is { } wanted && !wanted.Equals(reading.Settings)
            ? "the limiter does not read back as written"
            : limit.Unit is { } expected && reading.MonitoredUnit != expected ? $"the meter limits in {reading.MonitoredUnit}, not {expected}" : null;
        if (error is not null)
        {
            return CommandOutcome.Failed(LimiterResult(reading, error));
        }

        if (_limiters is not null)
        {
            await _limiters.SetAsync(new MeterLimiter(meter.Id, reading, _time.GetUtcNow(), command.Id), cancellationToken).ConfigureAwait(false);
        }

        return CommandOutcome.Confirmed(LimiterResult(reading, null));
    }

    private static string LimiterResult(LimiterReading reading, string? error) => JsonText.Object(w =>
    {
        LimiterJson.Write(w, reading);
        if (error is not null)
        {
            w.WriteString("error", error);
        }
    });

    internal static string Error(string message) => JsonText.Object(w => w.WriteString("error", message));

    internal static string Quote(string text) => JsonSerializer.Serialize(text);
}
