namespace Meterline.Dlms.Security;

/// <summary>Kek-Id of the wrapped-key choice of key-info (Green Book 9.5, Table 21).</summary>
public enum KekId : byte
{
    /// <summary>The master key (KEK).</summary>
    MasterKey = 0,
}
