namespace Meterline.Dlms.Security;

/// <summary>Key-Id of the identified-key choice of key-info (Green Book 9.5, Table 21).</summary>
public enum KeyId : byte
{
    /// <summary>The global unicast encryption key (GUEK).</summary>
    GlobalUnicastEncryptionKey = 0,

    /// <summary>The global broadcast encryption key (GBEK).</summary>
    GlobalBroadcastEncryptionKey = 1,
}
