namespace Meterline.HeadEnd.Keys;

/// <summary>The secrets the head-end holds for a meter (Green Book 9.2.5: global unicast encryption key, authentication key, master key).</summary>
public enum MeterKeyKind
{
    /// <summary>Global unicast encryption key (GUEK), AES-128.</summary>
    Encryption = 0,

    /// <summary>Authentication key (AK), AES-128.</summary>
    Authentication = 1,

    /// <summary>Master key (KEK), AES-128, wraps new keys in a key transfer (RFC 3394).</summary>
    Master = 2,

    /// <summary>The meter-reader association's LLS password.</summary>
    ReaderPassword = 3,

    /// <summary>The meter's MQTT password (its user name is its system title); not part of the DLMS key set, so <see cref="MeterKeyring"/> skips it.</summary>
    MqttPassword = 4,
}
