namespace Meterline.Meter.Security;

/// <summary>Which secret of the <see cref="MeterKeyStore"/> changed or was erased; never the secret itself.</summary>
public sealed class KeyChangedEventArgs(MeterKeyId keyId, bool erased) : EventArgs
{
    public MeterKeyId KeyId { get; } = keyId;

    /// <summary>True when the key was dropped (<see cref="MeterKeyStore.Erase"/>), false when a new value was set.</summary>
    public bool Erased { get; } = erased;
}
