using System.Collections.Immutable;
using Meterline.Dlms.Apdus;
using Meterline.Dlms.Associations;
using Meterline.Dlms.Cosem;
using Meterline.Dlms.Security;
using Meterline.Meter.Control;
using Meterline.Meter.Push;

namespace Meterline.Meter;

/// <summary>
/// The meter's pushes. Each push setup's body is the values of its push_object_list, captured when the push is
/// made (the interval just closed, the billing snapshot, the event just logged) and kept unchanged through retries;
/// each attempt is a DataNotification dated at capture, ciphered (general-glo-ciphering, authenticated and
/// encrypted, the meter's system title) with a fresh invocation counter. For a profile generic buffer in a
/// push_object_list, data_index n (n ≥ 1) pushes the last n entries — Meterline's reading of "data_index" for
/// buffers, documented in docs/meter.md.
/// </summary>
public sealed partial class SmartMeter
{
    private static readonly AssociationContext Internal = new(ObisCode.CurrentAssociation, 0, Dlms.Acse.AuthenticationMechanism.Lowest, true, null, MessageProtection.None);
    private readonly Dictionary<long, ReadOnlyMemory<byte>> _preProtected = [];
    private AesGcmCipher? _pushCipher;

    /// <summary>Pushes that could not be protected because the keys are erased (they stay queued).</summary>
    public long PushesWithoutKeys { get; private set; }

    /// <summary>
    /// Takes the next push due now, protected for sending, or false when none is due (or the meter is without power
    /// and the push is not an alert). Complete every push taken with <see cref="CompletePush"/>.
    /// </summary>
    public bool TryTakePush(out PushMessage message)
    {
        lock (Sync)
        {
            AdvanceLocked();
            var now = Clock.TrueNow;
            message = null!;
            while (_pushes.TryTakeDue(now, out var push))
            {
                if (_tamper.IsPowerFailed && !push.IsAlert)
                {
                    _pushes.Defer(push.Sequence, now + TimeSpan.FromMinutes(1));
                    return false;
                }

                if (!push.IsAlert && _pushSetups.TryGetValue(push.PushSetup, out var setup) && !setup.IsInCommunicationWindow())
                {
                    // Outside the push setup's communication window: wait (alerts are never held back).
                    _pushes.Defer(push.Sequence, now + TimeSpan.FromMinutes(1));
                    continue;
                }

                var apdu = _preProtected.TryGetValue(push.Sequence, out var ready) ? ready : Protect(push);
                if (apdu is not { } bytes)
                {
                    PushesWithoutKeys++;
                    _pushes.Defer(push.Sequence, now + _pushes.ParkingDelay);
                    return false;
                }

                message = new PushMessage(Id, SystemTitle, push.PushSetup, push.Sequence, bytes, push.IsAlert);
                return true;
            }

            return false;
        }
    }

    /// <summary>Ends an attempt: a delivered push leaves the queue; an undelivered one is retried per its push setup.</summary>
    public void CompletePush(long sequence, bool delivered)
    {
        lock (Sync)
        {
            var setup = _pushes.TryGetInFlight(sequence, out var push) ? _pushSetups.GetValueOrDefault(push.PushSetup) : null;
            var retries = setup?.Settings.NumberOfRetries ?? 3;
            var delay = TimeSpan.FromSeconds(Math.Max(1, (int)(setup?.Settings.RepetitionDelay ?? 60)));
            if (_pushes.Complete(sequence, delivered, Clock.TrueNow, delay, retries) && delivered)
            {
                _preProtected.Remove(sequence);
            }
        }
    }

    private static PushSetupSettings DefaultPushSettings(ObisCode pushSetup)
    {
        var objects = pushSetup == UsagePush
            ?
            [
                new CaptureObjectDefinition(40, UsagePush, 1, 0),
                Column(1, SerialNumber),
                new CaptureObjectDefinition(7, BlockLoadProfile, 2, 1),
                Column(3, EnergyImport),
                Column(3, EnergyExport),
            ]
            : pushSetup == BillingPush
                ?
                [
                    new CaptureObjectDefinition(40, BillingPush, 1, 0),
                    Column(1, SerialNumber),
                    new CaptureObjectDefinition(7, BillingProfileName, 2, 1),
                ]
                : (ImmutableArray<CaptureObjectDefinition>)
                [
                    new CaptureObjectDefinition(40, pushSetup, 1, 0),
                    Column(1, SerialNumber),
                    CaptureObjectDefinition.Clock,
                    Column(1, LastEventCode),
                    Column(3, Voltage),
                    Column(3, PhaseCurrent),
                    Column(3, NeutralCurrent),
                    Column(3, PowerFactor),
                    Column(3, EnergyImport),
                ];
        return PushSetupSettings.Empty with { ObjectList = objects, NumberOfRetries = 3, RepetitionDelay = 60 };
    }

    private bool PushNow(ObisCode pushSetup)
    {
        EnqueuePush(pushSetup, isAlert: pushSetup == AlertPush, protectNow: false);
        return true;
    }

    private void EnqueueUsagePush(DateTimeOffset capture) => EnqueuePush(UsagePush, isAlert: false, protectNow: false, capture);

    private void EnqueueBillingPush(DateTimeOffset capture) => EnqueuePush(BillingPush, isAlert: false, protectNow: false, capture);

    private void EnqueueAlertPush(bool protectNow) => EnqueuePush(AlertPush, isAlert: true, protectNow);

    private void EnqueuePush(ObisCode pushSetup, bool isAlert, bool protectNow, DateTimeOffset? created = null)
    {
        if (!_pushSetups.TryGetValue(pushSetup, out var setup))
        {
            return;
        }

        var body = setup.BuildNotificationBody(ReadForPush);

        // randomisation_start_interval spreads a fleet's pushes so that they do not all arrive in the same second.
        var spread = setup.Settings.RandomisationStartInterval;
        var due = Clock.TrueNow + (isAlert || spread == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(System.Security.Cryptography.RandomNumberGenerator.GetInt32(spread + 1)));
        var push = _pushes.Enqueue(pushSetup, created ?? Clock.UtcNow, body, isAlert, due);
        if (protectNow && Protect(push) is { } bytes)
        {
            _preProtected[push.Sequence] = bytes;
        }
    }

    private CosemData? ReadForPush(CaptureObjectDefinition item)
    {
        if (!Objects.TryGetValue(item.LogicalName, out var cosem) || cosem.ClassId != item.ClassId)
        {
            return null;
        }

        if (cosem is Cosem.ProfileGenericObject profile && item.AttributeIndex == 2 && item.DataIndex > 0)
        {
            var count = Math.Min(item.DataIndex, profile.EntriesInUse);
            var selection = new EntryDescriptor((uint)(profile.EntriesInUse - count + 1)).ToSelectiveAccessDescriptor();
            return count == 0 ? new CosemData.Array(ImmutableArray<CosemData>.Empty) : cosem.Get(Internal, 2, selection).Data;
        }

        return cosem.Get(Internal, item.AttributeIndex, null).Data;
    }

    /// <summary>The cipher of the current keys, made once per key change rather than once per push.</summary>
    private AesGcmCipher? PushCipher()
    {
        if (_pushCipher is null && Keys.GlobalUnicastEncryptionKey is { } encryption && Keys.AuthenticationKey is { } authentication)
        {
            _pushCipher = new AesGcmCipher(encryption, authentication);
        }

        return _pushCipher;
    }

    /// <summary>Drops the cipher of keys that changed or were erased.</summary>
    private void ForgetPushCipher()
    {
        _pushCipher?.Dispose();
        _pushCipher = null;
    }

    private ReadOnlyMemory<byte>? Protect(PendingPush push)
    {
        if (PushCipher() is not { } cipher)
        {
            return null;
        }

        if (!_counter.TryAllocate(out var invocationCounter))
        {
            return null;
        }

        var notification = new DataNotification(
            new LongInvokeIdAndPriority((uint)(push.Sequence & 0xFFFFFF), confirmed: false, highPriority: push.IsAlert),
            Clock.ToCosem(push.Created),
            push.Body);
        return GeneralGloCiphering.Protect(cipher, SecurityControl.AuthenticatedEncryption, SystemTitle, invocationCounter, notification.ToArray()).ToArray();
    }
}
