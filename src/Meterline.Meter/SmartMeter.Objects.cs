using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Profiles;
using Meterline.Dlms.Security;
using Meterline.Meter.Control;
using Meterline.Meter.Cosem;
using Meterline.Meter.Security;

namespace Meterline.Meter;

/// <summary>The meter's object model, built from its profile.</summary>
public sealed partial class SmartMeter
{
    private static readonly ObisCode CurrentAssociationName = ObisCode.CurrentAssociation;
    private static readonly ObisCode SerialNumber = new(0, 0, 96, 1, 0, 255);
    private static readonly ObisCode ManufacturerName = new(0, 0, 96, 1, 1, 255);
    private static readonly ObisCode FirmwareVersion = new(0, 0, 96, 1, 2, 255);
    private static readonly ObisCode LogicalDeviceName = new(0, 0, 42, 0, 0, 255);
    private static readonly ObisCode TamperCountName = new(0, 0, 94, 91, 0, 255);
    private static readonly ObisCode PowerFailuresName = new(0, 0, 96, 7, 0, 255);
    private static readonly ObisCode BillingPeriodsName = new(0, 0, 0, 1, 0, 255);
    private static readonly ObisCode InstantaneousProfile = new(1, 0, 94, 91, 0, 255);
    private static readonly ObisCode BlockLoadProfile = new(1, 0, 99, 1, 0, 255);
    private static readonly ObisCode DailyLoadProfile = new(1, 0, 99, 2, 0, 255);
    private static readonly ObisCode BillingProfileName = new(1, 0, 98, 1, 0, 255);
    private static readonly ObisCode NamePlate = new(0, 0, 94, 91, 10, 255);
    private static readonly ObisCode Voltage = new(1, 0, 12, 7, 0, 255);
    private static readonly ObisCode PhaseCurrent = new(1, 0, 11, 7, 0, 255);
    private static readonly ObisCode NeutralCurrent = new(1, 0, 91, 7, 0, 255);
    private static readonly ObisCode PowerFactor = new(1, 0, 13, 7, 0, 255);
    private static readonly ObisCode Frequency = new(1, 0, 14, 7, 0, 255);
    private static readonly ObisCode ApparentPower = new(1, 0, 9, 7, 0, 255);
    private static readonly ObisCode ActivePower = new(1, 0, 1, 7, 0, 255);
    private static readonly ObisCode EnergyImport = new(1, 0, 1, 8, 0, 255);
    private static readonly ObisCode EnergyExport = new(1, 0, 2, 8, 0, 255);
    private static readonly ObisCode ApparentEnergy = new(1, 0, 9, 8, 0, 255);
    private static readonly ObisCode MaximumDemand = new(1, 0, 1, 6, 0, 255);
    private static readonly ObisCode BlockVoltage = new(1, 0, 12, 27, 0, 255);
    private static readonly ObisCode BlockCurrent = new(1, 0, 11, 27, 0, 255);
    private static readonly ObisCode BlockImport = new(1, 0, 1, 29, 0, 255);
    private static readonly ObisCode BlockExport = new(1, 0, 2, 29, 0, 255);
    private static readonly ObisCode UsagePush = new(0, 0, 25, 9, 0, 255);
    private static readonly ObisCode BillingPush = new(0, 1, 25, 9, 0, 255);
    private static readonly ObisCode AlertPush = new(0, 4, 25, 9, 0, 255);
    private static readonly ObisCode LastEventCode = new(0, 0, 96, 11, 10, 255);

    private readonly Dictionary<ObisCode, SecuritySetupObject> _securitySetups = [];
    private readonly ProfileGenericObject?[] _eventLogs = new ProfileGenericObject?[7];
    private ProfileGenericObject? _blockProfile;
    private ProfileGenericObject? _dailyProfile;
    private ProfileGenericObject? _billingProfile;

    /// <summary>The Security setup of each association, by the association's logical name.</summary>
    internal IReadOnlyDictionary<ObisCode, SecuritySetupObject> SecuritySetups => _securitySetups;

    /// <summary>The activity calendar that selects the tariff zone, if the profile has one.</summary>
    public ActivityCalendarObject? Calendar { get; private set; }

    /// <summary>The load limiter, if the profile has one.</summary>
    public LimiterObject? Limiter { get; private set; }

    /// <summary>The push setups by logical name.</summary>
    public IReadOnlyDictionary<ObisCode, PushSetupObject> PushSetups => _pushSetups;

    private readonly Dictionary<ObisCode, PushSetupObject> _pushSetups = [];

    /// <summary>The block load profile (interval data).</summary>
    public ProfileGenericObject BlockProfile => _blockProfile ?? throw new InvalidOperationException("The profile has no block load profile");

    /// <summary>The daily load profile.</summary>
    public ProfileGenericObject DailyProfile => _dailyProfile ?? throw new InvalidOperationException("The profile has no daily load profile");

    /// <summary>The billing profile.</summary>
    public ProfileGenericObject BillingProfile => _billingProfile ?? throw new InvalidOperationException("The profile has no billing profile");

    /// <summary>The event log of an event group (0–6).</summary>
    public ProfileGenericObject EventLog(int group) => _eventLogs[group] ?? throw new InvalidOperationException($"The profile has no event log for group {group}");

    private FrozenDictionary<ObisCode, CosemObject> BuildObjects()
    {
        var objects = new Dictionary<ObisCode, CosemObject>();
        var associations = new Dictionary<ObisCode, AssociationLnObject>();

        // Security setups first: the associations' policies and the relay's authorisation refer to them.
        foreach (var association in Profile.Associations)
        {
            var setupName = SecuritySetupOf(association);
            if (Profile.Find(setupName) is { ClassId: 64 })
            {
                var policy = association.Ciphered
                    ? SecurityPolicy.AuthenticatedRequest | SecurityPolicy.EncryptedRequest | SecurityPolicy.AuthenticatedResponse | SecurityPolicy.EncryptedResponse
                    : SecurityPolicy.None;
                var setup = new SecuritySetupObject(setupName, Keys, Identity.SystemTitle, this, policy, SecuritySuite.AesGcm128);
                _securitySetups[association.LogicalName] = setup;
                objects[setupName] = setup;
            }
        }

        foreach (var profileObject in Profile.Objects)
        {
            if (objects.ContainsKey(profileObject.LogicalName))
            {
                continue;
            }

            var built = Build(profileObject, associations);
            if (built.ClassId != profileObject.ClassId)
            {
                throw new InvalidOperationException($"Profile object {profileObject.LogicalName} is class {profileObject.ClassId}, but the meter implements it as class {built.ClassId}");
            }

            objects[profileObject.LogicalName] = built;
        }

        return objects.ToFrozenDictionary();
    }

    private CosemObject Build(ProfileObject o, Dictionary<ObisCode, AssociationLnObject> associations)
    {
        var ln = o.LogicalName;
        switch (o.ClassId)
        {
            case 15 when ln == CurrentAssociationName:
                return new CurrentAssociationObject(name => associations.GetValueOrDefault(name));
            case 15:
                var association = Profile.Associations.FirstOrDefault(a => a.LogicalName == ln)
                    ?? throw new InvalidOperationException($"Association LN object {ln} belongs to no association of the profile");
                var definition = _associations.Definition(association);
                var description = AssociationLnDescription.FromDefinition(definition, (ushort)Identity.PhysicalAddress, _options.MaxPduSize, SecuritySetupOf(association), ChangeSecretFor(association));
                var associationObject = new AssociationLnObject(ln, description, () => ObjectList(association));
                associations[ln] = associationObject;
                return associationObject;
            case 8:
                return new ClockObject(Clock, (_, _) => RecordLocked(RealTimeClockSetEvent, protectAlertNow: false), () => _options.BlockPeriod);
            case 1:
                return new DataObject(ln, DataValue(ln));
            case 3:
                return new RegisterObject(ln, o.ScalerUnit!.Value, RegisterValue(o));
            case 4 when ln == MaximumDemand:
                return new ExtendedRegisterObject(ln, o.ScalerUnit!.Value, MaximumDemandValue, Clock, ResetMaximumDemand);
            case 7:
                return BuildProfile(o);
            case 70:
                Relay = new DisconnectControlObject(ln, this, DisconnectControlMode.Mode1, connected: true, AuthoriseRelay);
                return Relay;
            case 71:
                Limiter = new LimiterObject(ln, Clock, this, () => Relay?.LocalDisconnect(), () => Relay?.LocalReconnect());
                return Limiter;
            case 20:
                Calendar = new ActivityCalendarObject(ln, Clock, this, ActivityCalendarTables.Is15959Default());
                return Calendar;
            case 40:
                var push = new PushSetupObject(ln, Clock, () => PushNow(ln), DefaultPushSettings(ln));
                _pushSetups[ln] = push;
                return push;
            default:
                throw new InvalidOperationException($"The meter has no implementation for profile object {ln} (class {o.ClassId})");
        }
    }

    private static ObisCode SecuritySetupOf(ProfileAssociation association) =>
        new(0, 0, 43, 0, association.LogicalName.E, 255);

    private Func<ReadOnlyMemory<byte>, bool>? ChangeSecretFor(ProfileAssociation association)
    {
        if (association.Mechanism != Dlms.Acse.AuthenticationMechanism.Low)
        {
            return null;
        }

        return secret =>
        {
            Keys.SetLlsSecret(LlsPassword.FromBytes(secret.Span));
            RecordLocked(LlsSecretChangedEvent, protectAlertNow: false);
            return true;
        };
    }

    private IEnumerable<ObjectListEntry> ObjectList(ProfileAssociation association)
    {
        var signed = SignaturesEnforced;
        foreach (var profileObject in Profile.ObjectListOf(association.Id))
        {
            var cosem = Objects[profileObject.LogicalName];
            var attributes = Enumerable.Range(1, cosem.AttributeCount)
                .Select(i => ((sbyte)i, MeterAccessRights.Attribute(profileObject, association, (sbyte)i)))
                .ToList();
            var methods = Enumerable.Range(1, cosem.MethodCount)
                .Select(i => ((sbyte)i, MeterAccessRights.Method(profileObject, association, (sbyte)i, signed)))
                .ToList();
            yield return new ObjectListEntry(cosem.ClassId, cosem.Version, cosem.LogicalName, attributes, methods);
        }
    }

    private bool AuthoriseRelay(AssociationContext context)
    {
        // Defence in depth behind the access rights: the relay moves only for an authenticated, encrypted request
        // (and a signed one when the meter enforces signed commands and the profile lists the relay's methods as
        // signed, or the association's policy asks for signatures on everything).
        var association = Profile.Associations.FirstOrDefault(a => a.LogicalName == context.AssociationLogicalName);
        if (association is null || !association.Ciphered)
        {
            return false;
        }

        var protection = context.RequestProtection;
        var signed = PolicyOf(association).HasFlag(SecurityPolicy.DigitallySignedRequest) ||
            (SignaturesEnforced && Profile.Find(Relay.LogicalName) is { } relay &&
                (relay.RequiresSignedInvoke(association.Id, DisconnectControlObject.RemoteDisconnectMethod) ||
                 relay.RequiresSignedInvoke(association.Id, DisconnectControlObject.RemoteReconnectMethod)));
        return context.IsAuthenticated && protection.Authenticated && protection.Encrypted && (!signed || protection.Signed);
    }

    private Func<CosemData> DataValue(ObisCode ln)
    {
        if (ln.A == 0 && ln.B == 0 && ln.C == 43 && ln.D == 1)
        {
            return () => new CosemData.DoubleLongUnsigned(_counter.Next);
        }

        if (ln.A == 0 && ln.B == 0 && ln.C == 96 && ln.D == 11)
        {
            var group = ln.E;
            return group < _lastEventCode.Length
                ? () => new CosemData.LongUnsigned(_lastEventCode[group])
                : () => new CosemData.LongUnsigned(_lastEvent);
        }

        return ln switch
        {
            _ when ln == LogicalDeviceName => Ascii(Identity.LogicalDeviceName),
            _ when ln == SerialNumber => Ascii(Identity.Serial),
            _ when ln == ManufacturerName => Ascii(Identity.Manufacturer),
            _ when ln == FirmwareVersion => Ascii(Identity.FirmwareVersion),
            _ when ln == TamperCountName => () => new CosemData.DoubleLongUnsigned(Clamp(_tamperCount)),
            _ when ln == PowerFailuresName => () => new CosemData.DoubleLongUnsigned(Clamp(_powerFailures)),
            _ when ln == BillingPeriodsName => () => new CosemData.DoubleLongUnsigned(Clamp(_billingPeriods)),
            _ => throw new InvalidOperationException($"The meter has no value for data object {ln}"),
        };

        static Func<CosemData> Ascii(string text)
        {
            var value = new CosemData.OctetString(Encoding.ASCII.GetBytes(text));
            return () => value;
        }
    }

    private Func<CosemData> RegisterValue(ProfileObject o)
    {
        var scaler = o.ScalerUnit!.Value.Scaler;
        return o.Quantity switch
        {
            "voltage" => () => new CosemData.LongUnsigned((ushort)Scaled(_sample.Voltage, scaler, ushort.MaxValue)),
            "current" => () => new CosemData.DoubleLongUnsigned((uint)Scaled(_sample.PhaseCurrent, scaler, uint.MaxValue)),
            "neutral-current" => () => new CosemData.DoubleLongUnsigned((uint)Scaled(_sample.NeutralCurrent, scaler, uint.MaxValue)),
            "power-factor" => () => new CosemData.Long((short)Math.Clamp(Math.Round(_sample.PowerFactor / Math.Pow(10, scaler)), short.MinValue, short.MaxValue)),
            "frequency" => () => new CosemData.LongUnsigned((ushort)Scaled(_sample.Frequency, scaler, ushort.MaxValue)),
            "apparent-power" => () => new CosemData.DoubleLongUnsigned((uint)Scaled(_sample.ApparentPower, scaler, uint.MaxValue)),
            "active-power" => () => new CosemData.DoubleLong((int)Math.Clamp(Math.Round(_sample.ActivePower / Math.Pow(10, scaler)), int.MinValue, int.MaxValue)),
            "energy-import" => () => new CosemData.DoubleLongUnsigned(Clamp(Registers.ImportWh)),
            "energy-export" => () => new CosemData.DoubleLongUnsigned(Clamp(Registers.ExportWh)),
            "apparent-energy" => () => new CosemData.DoubleLongUnsigned(Clamp(Registers.ApparentVAh)),
            "block-voltage" => () => new CosemData.LongUnsigned((ushort)Scaled(_lastBlock.AverageVoltage, scaler, ushort.MaxValue)),
            "block-current" => () => new CosemData.DoubleLongUnsigned((uint)Scaled(_lastBlock.AverageCurrent, scaler, uint.MaxValue)),
            "block-energy-import" => () => new CosemData.DoubleLongUnsigned(Clamp(_lastBlock.ImportWh)),
            "block-energy-export" => () => new CosemData.DoubleLongUnsigned(Clamp(_lastBlock.ExportWh)),
            ['e', 'n', 'e', 'r', 'g', 'y', '-', 't', 'z', var digit] when digit is >= '1' and <= '8' =>
                () => new CosemData.DoubleLongUnsigned(Clamp(Registers.ZoneImportWh(digit - '0'))),
            _ => throw new InvalidOperationException($"The meter does not measure quantity '{o.Quantity}' of {o.LogicalName}"),
        };
    }

    private ExtendedRegisterValue MaximumDemandValue() =>
        new(new CosemData.DoubleLongUnsigned((uint)Math.Clamp(Math.Round(_demand.MaximumDemandWatts), 0, uint.MaxValue)), new CosemData.Unsigned(0), _demand.CaptureTime);

    private bool ResetMaximumDemand()
    {
        _demand.Reset();
        RecordLocked(MaximumDemandResetEvent, protectAlertNow: false);
        return true;
    }

    private static long Scaled(double value, sbyte scaler, long max) =>
        (long)Math.Clamp(Math.Round(value / Math.Pow(10, scaler)), 0, max);

    private static uint Clamp(ulong value) => (uint)Math.Min(value, uint.MaxValue);
}
