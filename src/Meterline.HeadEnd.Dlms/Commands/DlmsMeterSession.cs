using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Meterline.Dlms;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Links;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.HeadEnd.Communication;
using Meterline.HeadEnd.Meters;
using Meterline.HeadEnd.Readings;

namespace Meterline.HeadEnd.Dlms.Commands;

/// <summary>
/// One utility-settings association with a meter, implementing <see cref="IMeterSession"/> against the meter's COSEM
/// objects (Blue Book classes, logical names from the meter's profile):
/// <list type="bullet">
/// <item>registers: value (attribute 2) and scaler_unit (attribute 3) of Register / Extended register objects, scaled;
/// Data objects (class 1) unscaled;</item>
/// <item>load profile: block load profile 1.0.99.1.0.255 (class 7) capture_objects (3), the columns' scaler_unit,
/// then buffer (2) with a range_descriptor on the clock column;</item>
/// <item>relay: Disconnect control 0.0.96.3.10.255 (class 70) methods 1 remote_disconnect and 2 remote_reconnect
/// (integer 0), attribute 3 control_state;</item>
/// <item>clock: Clock 0.0.1.0.0.255 (class 8) attribute 2, date-times with the profile's deviation convention;</item>
/// <item>tariffs: Activity calendar 0.0.13.0.0.255 (class 20) passive attributes 6–9 and 10
/// activate_passive_calendar_time;</item>
/// <item>load limit: Limiter 0.0.17.0.0.255 (class 71) attributes 2 monitored_value and 3 threshold_active (read),
/// 4–7 thresholds and durations, 8 emergency_profile and 9 emergency_profile_group_id_list (written and read), 10
/// emergency_profile_active (read);</item>
/// <item>keys: the association's Security setup (0.0.43.0.E.255, E from the association's logical name; class 64)
/// method 2 global_key_transfer, keys wrapped (RFC 3394) under the master key.</item>
/// </list>
/// A refusal (DataAccessResult, ActionResult) throws <see cref="MeterCommunicationException"/> with Refused set;
/// link and security failures throw it too, transient where a retry may help.
/// </summary>
internal sealed class DlmsMeterSession : IMeterSession
{
    private const ushort DataClass = 1;
    private const ushort RegisterClass = 3;
    private const ushort ExtendedRegisterClass = 4;
    private const ushort ProfileGenericClass = 7;
    private const ushort ClockClass = 8;
    private const ushort ActivityCalendarClass = 20;
    private const ushort SecuritySetupClass = 64;
    private const ushort DisconnectControlClass = 70;
    private const ushort LimiterClass = 71;
    private const byte GlobalUnicastEncryptionKeyId = 0;
    private const byte AuthenticationKeyId = 2;
    private const int MaxProfileEntries = 10_000;

    private static readonly ObisCode BlockLoadProfile = new(1, 0, 99, 1, 0, 255);
    private static readonly ObisCode DisconnectControl = new(0, 0, 96, 3, 10, 255);
    private static readonly ObisCode ActivityCalendar = new(0, 0, 13, 0, 0, 255);
    private static readonly ObisCode Limiter = new(0, 0, 17, 0, 0, 255);
    private static readonly ObisCode TarifficationScriptTable = new(0, 0, 10, 0, 100, 255);

    private readonly DlmsClient _client;
    private readonly MeterProfile _profile;
    private readonly ObisCode _securitySetup;
    private readonly byte[] _master;
    private readonly TimeProvider _time;
    private readonly IDisposable _turn;
    private int _disposed;

    /// <param name="turn">The meter's turn (<see cref="MeterSessionGate"/>), given back when the session is disposed.</param>
    public DlmsMeterSession(DlmsClient client, MeterProfile profile, ProfileAssociation association, byte[] masterKey, IDisposable turn, TimeProvider time)
    {
        _client = client;
        _profile = profile;
        _securitySetup = new ObisCode(0, 0, 43, 0, association.LogicalName.E, 255);
        _master = masterKey;
        _turn = turn;
        _time = time;
    }

    private DeviationConvention Convention => _profile.Deviation;

    public async Task<IReadOnlyList<RegisterValue>> ReadRegistersAsync(IReadOnlyList<Quantity> quantities, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quantities);
        var values = new List<RegisterValue>(quantities.Count);
        foreach (var quantity in quantities.Distinct())
        {
            if (!ObisCode.TryParse(quantity.Obis, out var obis) || _profile.Find(obis) is not { } found
                || found.ClassId is not (DataClass or RegisterClass or ExtendedRegisterClass))
            {
                continue;
            }

            var value = await GetAsync(new CosemAttributeDescriptor(found.ClassId, obis, 2), null, quantity.Name, lacking: true, cancellationToken).ConfigureAwait(false);
            if (value is null)
            {
                continue;
            }

            var scaler = found.ClassId == DataClass ? new ScalerUnit(0, Unit.Count) : await ScalerOfAsync(found.ClassId, obis, quantity, cancellationToken).ConfigureAwait(false);
            values.Add(new RegisterValue(quantity, Scale(value, scaler, quantity.Name)));
        }

        return values;
    }

    public async Task<IReadOnlyList<IntervalReading>> ReadLoadProfileAsync(MeterId meter, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (to < from)
        {
            throw new ArgumentException("The range ends before it starts.", nameof(to));
        }

        var captureObjects = await GetAsync(new CosemAttributeDescriptor(ProfileGenericClass, BlockLoadProfile, 3), null, "capture_objects", lacking: false, cancellationToken).ConfigureAwait(false);
        if (captureObjects is not CosemData.Array { Items: { IsDefault: false } columnItems })
        {
            throw DlmsFailures.Malformed("capture_objects of the block load profile");
        }

        var clockColumn = -1;
        var columns = new (Quantity Quantity, ScalerUnit Scaler)?[columnItems.Length];
        for (var i = 0; i < columnItems.Length; i++)
        {
            if (!CaptureObjectDefinition.TryFromData(columnItems[i], out var column))
            {
                throw DlmsFailures.Malformed("a capture object of the block load profile");
            }

            if (column == CaptureObjectDefinition.Clock)
            {
                clockColumn = i;
            }
            else if (column.AttributeIndex == 2 && column.DataIndex == 0 && column.ClassId is RegisterClass or ExtendedRegisterClass
                && Quantity.TryFromObis(column.LogicalName.ToString(), out var quantity))
            {
                columns[i] = (quantity, await ScalerOfAsync(column.ClassId, column.LogicalName, quantity, cancellationToken).ConfigureAwait(false));
            }
        }

        if (clockColumn < 0)
        {
            throw DlmsFailures.Malformed("the block load profile has no clock column");
        }

        var range = RangeDescriptor.ByClock(
            CosemDateTime.FromDateTimeOffset(from, ClockStatus.Ok, Convention),
            CosemDateTime.FromDateTimeOffset(to, ClockStatus.Ok, Convention));
        var buffer = await GetAsync(new CosemAttributeDescriptor(ProfileGenericClass, BlockLoadProfile, 2), range.ToSelectiveAccessDescriptor(), "buffer", lacking: false, cancellationToken).ConfigureAwait(false);
        if (buffer is not CosemData.Array { Items: { IsDefault: false } rows } || rows.Length > MaxProfileEntries)
        {
            throw DlmsFailures.Malformed("the block load profile buffer");
        }

        var readings = new List<IntervalReading>(rows.Length * 4);
        foreach (var row in rows)
        {
            if (row is not CosemData.Structure { Items: { IsDefault: false } cells } || cells.Length != columns.Length
                || cells[clockColumn] is not CosemData.OctetString clockCell || !clockCell.TryGetDateTime(out var clock)
                || !clock.TryToDateTimeOffset(out var time, Convention))
            {
                throw DlmsFailures.Malformed("an entry of the block load profile");
            }

            var quality = ReadingQuality.Authenticated | ReadingQuality.BackFilled;
            if (clock.ClockStatus != ClockStatus.NotSpecified && (clock.ClockStatus & (ClockStatus.InvalidValue | ClockStatus.DoubtfulValue)) != 0)
            {
                quality |= ReadingQuality.ClockDoubtful;
            }

            for (var i = 0; i < cells.Length; i++)
            {
                if (columns[i] is { } column)
                {
                    readings.Add(new IntervalReading(meter, time.ToUniversalTime(), column.Quantity, Scale(cells[i], column.Scaler, column.Quantity.Name), quality));
                }
            }
        }

        return readings;
    }

    public async Task<RelayState> ReadRelayStateAsync(CancellationToken cancellationToken = default)
    {
        var state = await GetAsync(new CosemAttributeDescriptor(DisconnectControlClass, DisconnectControl, 3), null, "control_state", lacking: false, cancellationToken).ConfigureAwait(false);
        return state is CosemData.Enum { Value: <= 2 } value ? (RelayState)value.Value : throw DlmsFailures.Malformed("control_state");
    }

    public Task RemoteDisconnectAsync(CancellationToken cancellationToken = default) =>
        ActAsync(new CosemMethodDescriptor(DisconnectControlClass, DisconnectControl, 1), new CosemData.Integer(0), "remote_disconnect", cancellationToken);

    public Task RemoteReconnectAsync(CancellationToken cancellationToken = default) =>
        ActAsync(new CosemMethodDescriptor(DisconnectControlClass, DisconnectControl, 2), new CosemData.Integer(0), "remote_reconnect", cancellationToken);

    public async Task<DateTimeOffset> ReadClockAsync(CancellationToken cancellationToken = default)
    {
        var time = await GetAsync(new CosemAttributeDescriptor(ClockClass, ObisCode.Clock, 2), null, "clock time", lacking: false, cancellationToken).ConfigureAwait(false);
        return time is CosemData.OctetString octets && octets.TryGetDateTime(out var value) && value.TryToDateTimeOffset(out var instant, Convention)
            ? instant
            : throw DlmsFailures.Malformed("clock time");
    }

    public Task SetClockAsync(DateTimeOffset time, CancellationToken cancellationToken = default) =>
        SetAsync(new CosemAttributeDescriptor(ClockClass, ObisCode.Clock, 2), CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(time, ClockStatus.Ok, Convention)), "clock time", cancellationToken);

    public async Task WriteActivityCalendarAsync(TariffCalendar calendar, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var week = "W1"u8.ToArray();
        const byte dayId = 1;
        var actions = calendar.Switches.Select(s => (CosemData)new CosemData.Structure(
            new CosemData.OctetString(TimeOfDay(s.Start)),
            new CosemData.OctetString(TarifficationScriptTable.ToArray()),
            new CosemData.LongUnsigned((ushort)s.Zone))).ToImmutableArray();
        var everyYear = new CosemDateTime(
            new CosemDate(CosemDate.YearNotSpecified, 1, 1, CosemDate.NotSpecified),
            new CosemTime(0, 0, 0, 0),
            CosemDateTime.DeviationNotSpecified,
            ClockStatus.NotSpecified);
        var attribute = (sbyte id) => new CosemAttributeDescriptor(ActivityCalendarClass, ActivityCalendar, id);

        // Day profiles, then the week naming them, then the season naming the week, so that the passive calendar is
        // consistent after each step; the activation time last.
        await SetAsync(attribute(6), new CosemData.OctetString(Encoding.ASCII.GetBytes(calendar.Name)), "calendar_name_passive", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(9), new CosemData.Array(new CosemData.Structure(new CosemData.Unsigned(dayId), new CosemData.Array(actions))), "day_profile_table_passive", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(8), new CosemData.Array(new CosemData.Structure(
            new CosemData.OctetString(week), new CosemData.Unsigned(dayId), new CosemData.Unsigned(dayId), new CosemData.Unsigned(dayId),
            new CosemData.Unsigned(dayId), new CosemData.Unsigned(dayId), new CosemData.Unsigned(dayId), new CosemData.Unsigned(dayId))), "week_profile_table_passive", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(7), new CosemData.Array(new CosemData.Structure(
            new CosemData.OctetString("S1"u8.ToArray()), CosemData.OctetString.FromDateTime(everyYear), new CosemData.OctetString(week))), "season_profile_passive", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(10), CosemData.OctetString.FromDateTime(CosemDateTime.FromDateTimeOffset(calendar.ActivateAt, ClockStatus.Ok, Convention)), "activate_passive_calendar_time", cancellationToken).ConfigureAwait(false);
    }

    public async Task<LimiterReading> ReadLimiterAsync(CancellationToken cancellationToken = default)
    {
        var monitored = await LimiterAttributeAsync(2, "monitored_value", cancellationToken).ConfigureAwait(false);
        var active = Unsigned32(await LimiterAttributeAsync(3, "threshold_active", cancellationToken).ConfigureAwait(false), "threshold_active");
        var normal = Unsigned32(await LimiterAttributeAsync(4, "threshold_normal", cancellationToken).ConfigureAwait(false), "threshold_normal");
        var emergency = Unsigned32(await LimiterAttributeAsync(5, "threshold_emergency", cancellationToken).ConfigureAwait(false), "threshold_emergency");
        var minOver = Unsigned32(await LimiterAttributeAsync(6, "min_over_threshold_duration", cancellationToken).ConfigureAwait(false), "min_over_threshold_duration");
        var minUnder = Unsigned32(await LimiterAttributeAsync(7, "min_under_threshold_duration", cancellationToken).ConfigureAwait(false), "min_under_threshold_duration");
        var profile = await LimiterAttributeAsync(8, "emergency_profile", cancellationToken).ConfigureAwait(false);
        var groups = await LimiterAttributeAsync(9, "emergency_profile_group_id_list", cancellationToken).ConfigureAwait(false);
        var inForce = await LimiterAttributeAsync(10, "emergency_profile_active", cancellationToken).ConfigureAwait(false);
        if (monitored is not CosemData.Structure { Items: [CosemData.LongUnsigned, CosemData.OctetString name, CosemData.Integer] }
            || name.Value.Length != ObisCode.EncodedLength)
        {
            throw DlmsFailures.Malformed("monitored_value");
        }

        if (profile is not CosemData.Structure { Items: [CosemData.LongUnsigned id, CosemData.OctetString activation, CosemData.DoubleLongUnsigned duration] }
            || !activation.TryGetDateTime(out var activationTime))
        {
            throw DlmsFailures.Malformed("emergency_profile");
        }

        if (groups is not CosemData.Array { Items: { IsDefault: false } groupItems } || groupItems.Any(g => g is not CosemData.LongUnsigned))
        {
            throw DlmsFailures.Malformed("emergency_profile_group_id_list");
        }

        if (inForce is not CosemData.Boolean emergencyActive)
        {
            throw DlmsFailures.Malformed("emergency_profile_active");
        }

        // The profile counts only when the meter would act on it: scheduled, with a duration, and in the group list.
        LimiterEmergencyProfile? emergencyProfile = null;
        if (duration.Value > 0 && groupItems.Any(g => ((CosemData.LongUnsigned)g).Value == id.Value)
            && activationTime.TryToDateTimeOffset(out var start, Convention))
        {
            emergencyProfile = new LimiterEmergencyProfile(id.Value, start, TimeSpan.FromSeconds(duration.Value));
        }

        var settings = new LimiterSettings(normal, emergency, minOver, minUnder, emergencyProfile);
        return new LimiterReading(settings, MonitoredUnit(ObisCode.Decode(name.Value.Span, out _)), active, emergencyActive.Value);
    }

    public async Task WriteLimiterAsync(LimiterSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var attribute = (sbyte id) => new CosemAttributeDescriptor(LimiterClass, Limiter, id);
        var profile = settings.EmergencyProfile;
        var activation = profile is null
            ? CosemDateTime.Unspecified
            : CosemDateTime.FromDateTimeOffset(profile.ActivationTime, ClockStatus.Ok, Convention);

        // Thresholds and durations first, then the profile, then the group list that puts it in force.
        await SetAsync(attribute(5), new CosemData.DoubleLongUnsigned(settings.EmergencyThreshold), "threshold_emergency", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(4), new CosemData.DoubleLongUnsigned(settings.NormalThreshold), "threshold_normal", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(6), new CosemData.DoubleLongUnsigned(settings.MinOverThresholdDuration), "min_over_threshold_duration", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(7), new CosemData.DoubleLongUnsigned(settings.MinUnderThresholdDuration), "min_under_threshold_duration", cancellationToken).ConfigureAwait(false);
        await SetAsync(attribute(8), new CosemData.Structure(
            new CosemData.LongUnsigned(profile?.Id ?? 0),
            CosemData.OctetString.FromDateTime(activation),
            new CosemData.DoubleLongUnsigned(profile is null ? 0 : (uint)profile.Duration.TotalSeconds)), "emergency_profile", cancellationToken).ConfigureAwait(false);
        var groupIds = profile is null ? [] : ImmutableArray.Create<CosemData>(new CosemData.LongUnsigned(profile.Id));
        await SetAsync(attribute(9), new CosemData.Array(groupIds), "emergency_profile_group_id_list", cancellationToken).ConfigureAwait(false);
    }

    public async Task TransferKeysAsync(ReadOnlyMemory<byte> newEncryptionKey, ReadOnlyMemory<byte> newAuthenticationKey, CancellationToken cancellationToken = default)
    {
        var kek = CipherKey.FromBytes(_master);
        var parameters = new CosemData.Array(
            KeyData(GlobalUnicastEncryptionKeyId, kek, newEncryptionKey.Span),
            KeyData(AuthenticationKeyId, kek, newAuthenticationKey.Span));
        await ActAsync(new CosemMethodDescriptor(SecuritySetupClass, _securitySetup, 2), parameters, "global_key_transfer", cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        CryptographicOperations.ZeroMemory(_master);
        try
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
                await _client.ReleaseAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DlmsException or InvalidOperationException or OperationCanceledException)
            {
                // The association ends with the link anyway.
            }

            await _client.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            // Only now may the next session with this meter start: the association is over.
            _turn.Dispose();
        }
    }

    /// <summary>W for active power (C = 1, 2, 15, 16), VA for apparent power (C = 9, 10), else the logical name.</summary>
    private static string MonitoredUnit(ObisCode name) => (name.A, name.C) switch
    {
        (1, 1 or 2 or 15 or 16) => "W",
        (1, 9 or 10) => "VA",
        _ => name.ToString(),
    };

    private static uint Unsigned32(CosemData? value, string what) =>
        value is CosemData.DoubleLongUnsigned number ? number.Value : throw DlmsFailures.Malformed(what);

    private Task<CosemData?> LimiterAttributeAsync(sbyte id, string what, CancellationToken cancellationToken) =>
        GetAsync(new CosemAttributeDescriptor(LimiterClass, Limiter, id), null, what, lacking: false, cancellationToken);

    private static byte[] TimeOfDay(TimeOnly start)
    {
        var bytes = new byte[CosemTime.EncodedLength];
        new CosemTime((byte)start.Hour, (byte)start.Minute, 0, 0).TryEncode(bytes, out _);
        return bytes;
    }

    private static CosemData.Structure KeyData(byte keyId, CipherKey kek, ReadOnlySpan<byte> key)
    {
        var wrapped = AesKeyWrap.WrapKey(kek, CipherKey.FromBytes(key));
        return new CosemData.Structure(new CosemData.Enum(keyId), new CosemData.OctetString(wrapped));
    }

    private async Task<ScalerUnit> ScalerOfAsync(ushort classId, ObisCode obis, Quantity quantity, CancellationToken cancellationToken)
    {
        var data = await GetAsync(new CosemAttributeDescriptor(classId, obis, 3), null, quantity.Name + " scaler_unit", lacking: false, cancellationToken).ConfigureAwait(false);
        if (data is null || !ScalerUnit.TryFromData(data, out var scaler))
        {
            throw DlmsFailures.Malformed(quantity.Name + " scaler_unit");
        }

        var symbol = ScalerUnit.Symbol(scaler.Unit);
        if (quantity.Unit.Length > 0 && symbol != quantity.Unit)
        {
            throw new MeterCommunicationException($"{quantity.Name}: the meter counts in {symbol}, the head-end stores {quantity.Unit}", refused: false, isTransient: false);
        }

        return scaler;
    }

    private static double Scale(CosemData raw, ScalerUnit scaler, string what) =>
        scaler.TryApply(raw, out var value) ? (double)value : throw DlmsFailures.Malformed(what);

    /// <summary>GET one attribute; with <paramref name="lacking"/>, an undefined or unavailable object gives null.</summary>
    private async Task<CosemData?> GetAsync(CosemAttributeDescriptor attribute, SelectiveAccessDescriptor? selection, string what, bool lacking, CancellationToken cancellationToken)
    {
        var result = await DlmsFailures.Guard(() => _client.GetAsync(attribute, selection, cancellationToken)).ConfigureAwait(false);
        if (result.Result == DataAccessResult.Success && result.Data is { } data)
        {
            return data;
        }

        if (lacking && result.Result is DataAccessResult.ObjectUndefined or DataAccessResult.ObjectUnavailable)
        {
            return null;
        }

        throw DlmsFailures.Refused("GET " + what, result.Result);
    }

    private async Task SetAsync(CosemAttributeDescriptor attribute, CosemData value, string what, CancellationToken cancellationToken)
    {
        var result = await DlmsFailures.Guard(() => _client.SetAsync(attribute, value, null, cancellationToken)).ConfigureAwait(false);
        if (result != DataAccessResult.Success)
        {
            throw DlmsFailures.Refused("SET " + what, result);
        }
    }

    private async Task ActAsync(CosemMethodDescriptor method, CosemData parameters, string what, CancellationToken cancellationToken)
    {
        var (result, _) = await DlmsFailures.Guard(() => _client.ActionAsync(method, parameters, cancellationToken)).ConfigureAwait(false);
        if (result != ActionResult.Success)
        {
            throw DlmsFailures.Refused("ACTION " + what, result);
        }
    }
}
